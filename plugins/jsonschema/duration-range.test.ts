import assert from "node:assert/strict";
import { suite, test } from "node:test";
import fc from "fast-check";
import { durationRangePattern, maxDurationNanos } from "./duration-range.js";

const second = 1_000_000_000n;

/** The value of a Duration string in nanoseconds, as protobuf-es reads one; undefined for what it refuses. */
function durationNanos(text: string): bigint | undefined {
  const match = /^(-?)([0-9]+)(?:\.([0-9]{1,9}))?s$/.exec(text);
  if (match === null) return undefined;
  const seconds = BigInt(match[2]!);
  if (seconds > 315_576_000_000n) return undefined;
  const magnitude = seconds * second + BigInt((match[3] ?? "").padEnd(9, "0"));
  return match[1] === "-" ? -magnitude : magnitude;
}

/** A Duration string of `nanos`, with `zeros` leading zeros and the fraction written with at least `digits` digits. */
function write(nanos: bigint, zeros: number, digits: number, minusZero: boolean): string {
  const magnitude = nanos < 0n ? -nanos : nanos;
  const fraction = (magnitude % second).toString().padStart(9, "0").replace(/0+$/, "");
  const shown = fraction.padEnd(Math.max(fraction.length, digits), "0");
  const sign = nanos < 0n || (nanos === 0n && minusZero) ? "-" : "";
  return `${sign}${"0".repeat(zeros)}${magnitude / second}${shown === "" ? "" : `.${shown}`}s`;
}

const ranges: [string, bigint, bigint][] = [
  ["25ms to 3600s (Envoy's report intervals)", 25_000_000n, 3600n * second],
  ["0 to 1s", 0n, second],
  ["1ns to 1ns", 1n, 1n],
  ["-1.5s to -0.25s", -1_500_000_000n, -250_000_000n],
  ["-2s to 3.000000001s", -2n * second, 3n * second + 1n],
  ["1.123456789s to 1.987654321s", 1_123_456_789n, 1_987_654_321n],
  ["999.9s to 1000.1s", 999_900_000_000n, 1_000_100_000_000n],
  ["the whole Duration range", -maxDurationNanos, maxDurationNanos],
];

suite("durationRangePattern()", () => {
  test("draws the line exactly at 25ms and 3600s", () => {
    const re = new RegExp(durationRangePattern(25_000_000n, 3600n * second), "u");
    const accepted = ["0.025s", "0.0250s", "0.025000000s", "000.025s", "1s", "0.1s", "59.999999999s", "3599.999999999s", "3600s", "3600.0s", "03600.000000000s"];
    const refused = ["3600.s", "0.s", "1.0.5s", "0.024999999s", "0.02s", "0.010s", "0s", "-0s", "-0.025s", "-5s", "3600.000000001s", "3601s", "36000s", "0.025", ".5s", "1.s", "+1s", "1.0000000001s", "1e3s", ""];
    for (const text of accepted) assert.ok(re.test(text), text);
    for (const text of refused) assert.ok(!re.test(text), text);
  });

  for (const [name, min, max] of ranges) {
    test(`agrees with the nanosecond value on ${name}`, () => {
      const re = new RegExp(durationRangePattern(min, max), "u");
      const near = (n: bigint) => fc.bigInt({ min: n - 3n * second, max: n + 3n * second });
      const nanos = fc.oneof(near(min), near(max), near(0n), fc.bigInt({ min: -maxDurationNanos - 1n, max: maxDurationNanos + 1n }));
      fc.assert(
        fc.property(nanos, fc.nat(3), fc.nat(9), fc.boolean(), (value, zeros, digits, minusZero) => {
          const text = write(value, zeros, digits, minusZero);
          const read = durationNanos(text);
          const inside = read !== undefined && read >= min && read <= max;
          assert.equal(re.test(text), inside, `${text} in ${min}..${max}`);
        }),
        { numRuns: 2000 },
      );
      // The bounds themselves, and one nanosecond outside each.
      for (const value of [min, max, min - 1n, max + 1n]) {
        const text = write(value, 0, 0, false);
        const read = durationNanos(text);
        assert.equal(re.test(text), read !== undefined && value >= min && value <= max, text);
      }
    });
  }

  test("reads -0s as zero: inside a range that holds zero, outside one that does not", () => {
    assert.ok(new RegExp(durationRangePattern(-1n, 1n), "u").test("-0.000s"));
    assert.ok(!new RegExp(durationRangePattern(1n, 5n), "u").test("-0s"));
  });

  test("refuses an empty range", () => {
    assert.throws(() => durationRangePattern(2n, 1n), /min <= max/);
  });
});
