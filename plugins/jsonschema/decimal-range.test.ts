import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { integerStringPattern, upToPattern } from "./decimal-range.js";

suite("integerStringPattern()", () => {
  const ranges: [string, bigint, bigint][] = [
    ["uint32", 0n, 2n ** 32n - 1n],
    ["int32", -(2n ** 31n), 2n ** 31n - 1n],
    ["int64", -(2n ** 63n), 2n ** 63n - 1n],
    ["uint64", 0n, 2n ** 64n - 1n],
    ["one digit", 0n, 9n],
    ["a power of ten", 0n, 1000n],
  ];
  for (const [name, min, max] of ranges) {
    test(`matches exactly the ${name} range at and around its bounds`, () => {
      const re = new RegExp(integerStringPattern(min, max), "u");
      const probes = [min, max, min - 1n, max + 1n, 0n, 1n, -1n, 9n, 10n, 99n, 100n, max / 2n, max - 1n, max * 10n, min * 10n - 1n];
      for (let digits = 1n; digits < max; digits *= 10n) probes.push(digits - 1n, digits, digits + 1n, -digits);
      for (const probe of probes) {
        assert.equal(re.test(probe.toString()), probe >= min && probe <= max, `${probe}`);
      }
    });
  }

  test("accepts leading zeros and -0 like protobuf-es, rejects everything else that is not decimal", () => {
    const re = new RegExp(integerStringPattern(-(2n ** 31n), 2n ** 31n - 1n), "u");
    for (const ok of ["007", "-0", "0000000000002147483647"]) assert.ok(re.test(ok), ok);
    for (const bad of ["", "-", "+1", "1.0", "1e3", " 1", "0x10", "--1"]) assert.ok(!re.test(bad), bad);
  });
});

suite("integerStringPattern() on a rule's narrower range", () => {
  const ranges: [bigint, bigint, boolean][] = [
    [0n, 511n, false],
    [0n, 511n, true],
    [5n, 1000n, true],
    [25n, 25n, false],
    [-100n, -5n, true],
    [-7n, 1024n, true],
    [99n, 100n, false],
  ];
  for (const [min, max, signed] of ranges) {
    test(`matches exactly ${min}..${max} (${signed ? "signed" : "unsigned"}), with and without leading zeros`, () => {
      const re = new RegExp(integerStringPattern(min, max, signed), "u");
      for (let n = -1200n; n <= 1200n; n++) {
        const inside = n >= min && n <= max;
        const digits = (n < 0n ? -n : n).toString();
        const sign = n < 0n ? "-" : "";
        assert.equal(re.test(`${sign}${digits}`), inside, `${n}`);
        assert.equal(re.test(`${sign}00${digits}`), inside, `${sign}00${digits}`);
      }
      // "-0" is 0 for a signed type's parser; an unsigned type's pattern states no minus sign.
      const zero = min <= 0n && max >= 0n;
      assert.equal(re.test("-0"), zero && signed, "-0");
      assert.equal(re.test("-000"), zero && signed, "-000");
      for (const bad of ["", "-", "+1", "1.0", "1e3", " 1", "--1", "5 "]) assert.ok(!re.test(bad), bad);
    });
  }

  test("narrows int64 to gte 0 refusing every negative, 2^63 - 1 included", () => {
    const re = new RegExp(integerStringPattern(0n, 2n ** 63n - 1n, true), "u");
    for (const ok of ["0", "-0", "42", "9223372036854775807", "0009223372036854775807"]) assert.ok(re.test(ok), ok);
    for (const bad of ["-5", "-1", "-9223372036854775808", "9223372036854775808"]) assert.ok(!re.test(bad), bad);
  });

  test("refuses an empty range", () => {
    assert.throws(() => integerStringPattern(5n, 4n), /min <= max/);
  });
});

suite("upToPattern()", () => {
  test("writes a single digit bound as a class", () => {
    assert.equal(upToPattern(7n), "(?:[0-6]|7)");
  });
  test("refuses a negative bound", () => {
    assert.throws(() => upToPattern(-1n), /non-negative/);
  });
});
