import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { ScalarType } from "@bufbuild/protobuf";
import { durationPattern, mapKeyPattern } from "./wkt-schema.js";

suite("mapKeyPattern()", () => {
  const matches = (scalar: ScalarType, key: string) => new RegExp(mapKeyPattern(scalar)!, "u").test(key);

  test("accepts the decimal keys of a signed 32-bit map and refuses one past its range", () => {
    assert.equal(matches(ScalarType.INT32, "-2147483648"), true);
    assert.equal(matches(ScalarType.SINT32, "2147483647"), true);
    assert.equal(matches(ScalarType.SFIXED32, "2147483648"), false);
    assert.equal(matches(ScalarType.INT32, "1.5"), false);
  });

  test("accepts the keys of an unsigned 64-bit map up to 2^64-1, and no sign", () => {
    assert.equal(matches(ScalarType.UINT64, "18446744073709551615"), true);
    assert.equal(matches(ScalarType.FIXED64, "18446744073709551616"), false);
    assert.equal(matches(ScalarType.UINT32, "-1"), false);
  });

  test("accepts only true and false as bool keys", () => {
    assert.equal(matches(ScalarType.BOOL, "true"), true);
    assert.equal(matches(ScalarType.BOOL, "1"), false);
  });

  test("constrains no string key", () => {
    assert.equal(mapKeyPattern(ScalarType.STRING), undefined);
  });
});

suite("durationPattern", () => {
  const re = new RegExp(durationPattern, "u");

  test("accepts the Duration range to its ends, with leading zeros and up to nine digits", () => {
    for (const ok of ["315576000000s", "-315576000000.999999999s", "0s", "-0s", "007.5s", "1.000000001s"]) assert.ok(re.test(ok), ok);
  });

  test("refuses what is past the range or not written as a Duration", () => {
    for (const bad of ["315576000001s", "1.0000000001s", "1.5", "1.s", ".5s", "+1s", "1e3s"]) assert.ok(!re.test(bad), bad);
  });
});
