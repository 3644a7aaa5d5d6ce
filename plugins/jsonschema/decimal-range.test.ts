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

suite("upToPattern()", () => {
  test("writes a single digit bound as a class", () => {
    assert.equal(upToPattern(7n), "(?:[0-6]|7)");
  });
  test("refuses a negative bound", () => {
    assert.throws(() => upToPattern(-1n), /non-negative/);
  });
});
