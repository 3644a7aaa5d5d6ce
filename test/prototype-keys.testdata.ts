/**
 * Map keys `__proto__` on the wire, for the validator's and the codec's
 * tests: fixture messages with maps of every value kind the seed protos
 * lack, and a small hand encoder (single-byte lengths, enough here).
 */
import { buildFixture, T } from "../src/validate/fixture.testdata.js";

/**
 * `fixture.v1.Keyed { map<string, string> labels = 1; map<string, int32> counts = 2;
 * map<int32, string> by_number = 3; map<string, Color> colors = 4; }` and
 * `fixture.v1.Outer { string name = 1; repeated Keyed items = 2; }`.
 */
const fixture = buildFixture(
  [
    {
      name: "Keyed",
      fields: [],
      maps: [
        { name: "labels", number: 1, key: T.STRING, value: T.STRING },
        { name: "counts", number: 2, key: T.STRING, value: T.INT32 },
        { name: "by_number", number: 3, key: T.INT32, value: T.STRING },
        { name: "colors", number: 4, key: T.STRING, value: T.ENUM, valueTypeName: ".fixture.v1.Color" },
      ],
    },
    { name: "Outer", fields: [{ name: "name", number: 1, type: T.STRING }, { name: "items", number: 2, type: T.MESSAGE, typeName: ".fixture.v1.Keyed", repeated: true }] },
  ],
  "prototype-keys.proto",
);
export const KeyedSchema = fixture["Keyed"]!;
export const OuterSchema = fixture["Outer"]!;

const utf8 = new TextEncoder();

/** A length-delimited field `number` holding `content`. */
export function lengthDelimited(number: number, content: readonly number[] | Uint8Array): number[] {
  if (content.length > 127) throw new RangeError("the test encoder writes one-byte lengths only");
  return [(number << 3) | 2, content.length, ...content];
}

/** A varint field `number` holding `value` (below 128). */
export function varint(number: number, value: number): number[] {
  return [number << 3, value];
}

/** The bytes of a map entry with a string key and the given value field. */
export function stringKeyEntry(key: string | readonly number[], value: readonly number[]): number[] {
  return [...lengthDelimited(1, typeof key === "string" ? utf8.encode(key) : key), ...value];
}

/** `__proto__` after a byte order mark, which the decoder strips. */
export const BOM_PROTO_KEY = [0xef, 0xbb, 0xbf, ...utf8.encode("__proto__")];
