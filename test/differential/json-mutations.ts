import { registry } from "../../src/registry.js";
import type { Edit } from "./binary-mutations.js";
import { jsonSeeds } from "./seeds.testdata.js";

/** The number of edit kinds {@link applyJsonEdits} knows. */
export const JSON_EDIT_KINDS = 14;

/** A number written exactly as given (beyond what a JS number holds). */
class RawNumber {
  constructor(readonly text: string) {}
}

/** Keys written twice in one object (the second time with this value). */
const DUPLICATES = Symbol("duplicates");
type JsonObject = { [key: string]: unknown; [DUPLICATES]?: [string, unknown][] };

const interesting: readonly unknown[] = [
  null, true, false, 0, -1, 1, 1.5, -0.0, 1e21, 255, 65536, 4294967296, 2147483648, -2147483649,
  new RawNumber("9007199254740993"), new RawNumber("18446744073709551616"), new RawNumber("1e2"), new RawNumber("1.0"), new RawNumber("-0"), new RawNumber("1e400"),
  "", "a", "0", "-1", "1e2", "1.0", " 1", "0x10", "NaN", "Infinity", "-Infinity", "9223372036854775808", "-9223372036854775809", "18446744073709551615",
  "\ud800", "a\udc00b", "\ufeffx", "__proto__", "\u0000",
  "1s", "1.5s", "-1.000000001s", "0.0000000001s", "315576000000s", "315576000001s", "1.s", "1e1s", " 1s", "1S",
  "1970-01-01T00:00:00Z", "2026-11-21T10:00:00.125Z", "9999-12-31T23:59:59.999999999Z", "0001-01-01T00:00:00Z", "0000-12-31T00:00:00Z",
  "2026-11-21T10:00:00+01:00", "2026-11-21T10:00:00.1234567890Z", "2026-02-30T00:00:00Z", "2026-11-21t10:00:00z", "2026-11-21T24:00:00Z",
  "AAEC", "AA==", "AA", "-_8", "A", "AAE=\n", "YQ", "YQ=",
  "TCP", "UDP", "tcp", "SCTP", 1, 2,
  "type.googleapis.com/google.protobuf.Duration", "example.com/google.protobuf.Struct", "google.protobuf.Timestamp", "type.googleapis.com/",
  "NULL_VALUE", "x".repeat(129),
  {}, [], [null], [1, "a"], { "@type": "type.googleapis.com/google.protobuf.Duration", value: "1s" },
  { "@type": "type.googleapis.com/google.protobuf.Duration", value: "1s", extra: 1 },
  { "@type": "type.googleapis.com/google.protobuf.Value", value: null },
  { "@type": "type.googleapis.com/google.protobuf.Struct", value: { k: "\ud800" } },
  { "@type": "type.googleapis.com/xds.core.v3.ContextParams", params: { k: "v" } },
  { "@type": "example.com/a/b/google.rpc.LocalizedMessage", locale: "en" },
  { "\ud800": 1 },
];

const keyPool: readonly string[] = (() => {
  const names = new Set<string>(["@type", "value", "__proto__", "\ud800", "k", "", "extra", "Id", "ID"]);
  for (const type of registry) {
    if (type.kind !== "message") continue;
    for (const field of type.fields) {
      names.add(field.name);
      names.add(field.jsonName);
    }
  }
  return [...names].sort();
})();

const typeUrls = [
  "type.googleapis.com/google.protobuf.Duration",
  "type.googleapis.com/google.protobuf.Struct",
  "type.googleapis.com/google.protobuf.Value",
  "type.googleapis.com/google.protobuf.Timestamp",
  "example.com/prefix/google.protobuf.Duration",
  "google.protobuf.Duration",
  "/google.protobuf.Duration",
  "type.googleapis.com/google.protobuf.Empty",
  "type.googleapis.com/unknown.Type",
  "",
];

/** Every object, array and value slot of a JSON tree. */
function slots(value: unknown, out: { holder: JsonObject | unknown[]; key: string | number }[] = []): typeof out {
  if (Array.isArray(value)) {
    value.forEach((element, i) => {
      out.push({ holder: value, key: i });
      slots(element, out);
    });
  } else if (isObject(value)) {
    for (const key of Object.keys(value)) {
      out.push({ holder: value, key });
      slots(value[key], out);
    }
  }
  return out;
}

function objects(value: unknown, out: JsonObject[] = []): JsonObject[] {
  if (Array.isArray(value)) value.forEach((v) => objects(v, out));
  else if (isObject(value)) {
    out.push(value);
    for (const key of Object.keys(value)) objects(value[key], out);
  }
  return out;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof RawNumber);
}

/** Sets an own key, even `__proto__` (an assignment would set the prototype). */
function setKey(holder: JsonObject | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(holder, key, { value, enumerable: true, writable: true, configurable: true });
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value)) setKey(out, key, clone(value[key]));
    if (value[DUPLICATES] !== undefined) out[DUPLICATES] = value[DUPLICATES].map(([k, v]) => [k, clone(v)]);
    return out;
  }
  return value;
}

/**
 * Mutates JSON seed `seedIndex` (modulo the number of seeds) by `edits` on
 * its value tree (remove, add, rename and duplicate keys, interesting
 * values, `@type` changes, extra keys beside a packed well-known type,
 * subtrees from other seeds), then a few text edits, and returns the text
 * as UTF-8.
 */
export function applyJsonEdits(seedIndex: number, edits: readonly Edit[]): { typeName: string; bytes: Uint8Array } {
  const seed = jsonSeeds[seedIndex % jsonSeeds.length]!;
  const root = clone(seed.value);
  const textEdits: Edit[] = [];
  for (const edit of edits) {
    if (edit[0] >= 12) textEdits.push(edit);
    else valueEdit(root, edit);
  }
  let text = write(root);
  for (const edit of textEdits) text = textEdit(text, edit);
  return { typeName: seed.typeName, bytes: new TextEncoder().encode(text) };
}

function valueEdit(root: unknown, [kind, a, b, c]: Edit): void {
  const all = slots(root);
  const objs = objects(root);
  const slot = all[a % Math.max(1, all.length)];
  const obj = objs[a % Math.max(1, objs.length)];
  switch (kind) {
    case 0:
      if (slot !== undefined) {
        if (Array.isArray(slot.holder)) slot.holder.splice(slot.key as number, 1);
        else delete slot.holder[slot.key as string];
      }
      return;
    case 1:
    case 2:
      if (slot !== undefined) setKey(slot.holder, slot.key, clone(interesting[b % interesting.length]));
      return;
    case 3:
      if (obj !== undefined) setKey(obj, keyPool[b % keyPool.length]!, clone(interesting[c % interesting.length]));
      return;
    case 4:
      // The same key twice in one object.
      if (obj !== undefined) {
        const keys = Object.keys(obj);
        if (keys.length === 0) return;
        const key = keys[b % keys.length]!;
        (obj[DUPLICATES] ??= []).push([key, c % 2 === 0 ? clone(obj[key]) : clone(interesting[c % interesting.length])]);
      }
      return;
    case 5:
      // Rename a key (to another spelling, an unknown name, or a sibling field).
      if (obj !== undefined) {
        const keys = Object.keys(obj);
        if (keys.length === 0) return;
        const key = keys[b % keys.length]!;
        const value = obj[key];
        delete obj[key];
        setKey(obj, keyPool[c % keyPool.length]!, value);
      }
      return;
    case 6:
      if (slot !== undefined) {
        const holder = slot.holder as Record<string | number, unknown>;
        holder[slot.key] = b % 2 === 0 ? [holder[slot.key]] : Array.isArray(holder[slot.key]) ? (holder[slot.key] as unknown[])[0] : { value: holder[slot.key] };
      }
      return;
    case 7:
      // Change an Any's type URL, or add one.
      if (obj !== undefined) obj["@type"] = typeUrls[b % typeUrls.length];
      return;
    case 8:
      // A subtree from another seed.
      if (slot !== undefined) {
        const donor = slots(jsonSeeds[b % jsonSeeds.length]!.value);
        const from = donor[c % Math.max(1, donor.length)];
        if (from !== undefined) setKey(slot.holder, slot.key, clone((from.holder as Record<string | number, unknown>)[from.key]));
      }
      return;
    case 9:
      // An extra key beside a packed value.
      if (obj !== undefined && "@type" in obj) setKey(obj, b % 2 === 0 ? "extra" : keyPool[b % keyPool.length]!, clone(interesting[c % interesting.length]));
      return;
    case 10:
      // A map key (or any key) that is special.
      if (obj !== undefined) setKey(obj, ["__proto__", "\ud800", "\udfff", "a\ud800b", "", "constructor", "toString", "\u0000"][b % 8]!, clone(interesting[c % interesting.length]));
      return;
    default:
      if (slot !== undefined) {
        const holder = slot.holder as Record<string | number, unknown>;
        if (typeof holder[slot.key] === "string") holder[slot.key] = (holder[slot.key] as string) + ["\ud800", "\udc00", "\u2028", "\ufeff", "é"][b % 5];
      }
  }
}

function textEdit(text: string, [kind, a, b]: Edit): string {
  const at = text.length === 0 ? 0 : a % text.length;
  if (kind % 2 === 0) return text.slice(0, at) + text.slice(at + 1 + (b % 3));
  return text.slice(0, at) + [",", "}", "]", '"', "\\", " ", "0", "-", "\ufeff", "\ud800", "[", "{", ":", "e"][b % 14]! + text.slice(at);
}

/** JSON text of a tree, with raw numbers as written and duplicated keys written twice. */
function write(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(write).join(",")}]`;
  if (isObject(value)) {
    const pairs = Object.keys(value).map((key) => `${JSON.stringify(key)}:${write(value[key])}`);
    for (const [key, again] of value[DUPLICATES] ?? []) pairs.push(`${JSON.stringify(key)}:${write(again)}`);
    return `{${pairs.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
