import { WireType } from "@bufbuild/protobuf/wire";
import { binarySeeds } from "./seeds.testdata.js";
import { allBodies, allFields, cloneTree, concat, lengthStyles, parseTree, serializeTree, varint, type WireField } from "./wire-tree.js";

/**
 * One edit: `kind` picks the edit, `a`, `b` and `c` pick where and what
 * (each taken modulo the number of choices), so that fast-check shrinks an
 * edit towards the first choice of each.
 */
export type Edit = readonly [kind: number, a: number, b: number, c: number];

/** The number of edit kinds {@link applyBinaryEdits} knows. */
export const BINARY_EDIT_KINDS = 22;

const trees = binarySeeds.map((s) => parseTree(s.schema, s.bytes));

const fieldNumbers = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 19, 100, 1000, 19_000, 536_870_911];
const varints: readonly bigint[] = [
  0n, 1n, 2n, 127n, 128n, 300n, 999_999_999n, 1_000_000_000n, 2_147_483_647n, 2_147_483_648n, 4_294_967_295n, 4_294_967_296n,
  315_576_000_000n, 315_576_000_001n, 9_007_199_254_740_993n, 9_223_372_036_854_775_807n, 9_223_372_036_854_775_808n, 18_446_744_073_709_551_615n,
];
const text = (s: string) => new TextEncoder().encode(s);
const lengthDelimited: readonly Uint8Array[] = [
  new Uint8Array(0),
  text("a"),
  text("__proto__"),
  Uint8Array.of(0xff),
  Uint8Array.of(0xc0, 0x80),
  Uint8Array.of(0xed, 0xa0, 0x80),
  Uint8Array.of(0xef, 0xbb, 0xbf, 0x61),
  text("type.googleapis.com/google.protobuf.Duration"),
  text("type.googleapis.com/google.protobuf.Timestamp"),
  text("type.googleapis.com/google.protobuf.Struct"),
  text("type.googleapis.com/google.protobuf.Value"),
  text("type.googleapis.com/google.protobuf.Any"),
  text("example.com/x/google.protobuf.Duration"),
  text("google.protobuf.Duration"),
  text("type.googleapis.com/google.rpc.BadRequest"),
  text("x".repeat(129)),
  Uint8Array.of(0x08, 0x96, 0x01),
  Uint8Array.of(0x0a, 0x00),
  Uint8Array.of(0x10, 0x80, 0x94, 0xeb, 0xdc, 0x03),
  Uint8Array.of(0x09, 0, 0, 0, 0, 0, 0, 0x1e, 0x40),
  Uint8Array.of(0x0b, 0x0c),
];

/**
 * Mutates the binary seed `seedIndex` (modulo the number of seeds) by
 * `edits`: structural edits on its field tree (duplicate, remove, move,
 * splice fields from other seeds, change wire types and field numbers,
 * over-long tags and length prefixes, lying lengths, interesting values,
 * unknown fields), then byte edits on the serialized result (bit flips,
 * inserts, deletes, truncation).
 */
export function applyBinaryEdits(seedIndex: number, edits: readonly Edit[]): { typeName: string; bytes: Uint8Array } {
  const seed = binarySeeds[seedIndex % binarySeeds.length]!;
  const tree = cloneTree(trees[seedIndex % trees.length]!);
  const byteEdits: Edit[] = [];
  for (const edit of edits) {
    if (edit[0] >= 16) byteEdits.push(edit);
    else structuralEdit(tree, edit);
  }
  let bytes = serializeTree(tree);
  for (const edit of byteEdits) bytes = byteEdit(bytes, edit);
  return { typeName: seed.typeName, bytes };
}

function structuralEdit(tree: WireField[], [kind, a, b, c]: Edit): void {
  const fields = allFields(tree);
  const bodies = allBodies(tree);
  if (fields.length === 0 && kind !== 13) return;
  const picked = fields[a % Math.max(1, fields.length)];
  switch (kind) {
    case 0:
    case 1: {
      // Duplicate a field: right after itself, or at the end of its message.
      const { field, siblings } = picked!;
      const [copy] = cloneTree([field]);
      siblings.splice(kind === 0 ? siblings.indexOf(field) + 1 : siblings.length, 0, copy!);
      return;
    }
    case 2:
      picked!.siblings.splice(picked!.siblings.indexOf(picked!.field), 1);
      return;
    case 3: {
      const { field, siblings } = picked!;
      siblings.splice(siblings.indexOf(field), 1);
      siblings.splice(b % (siblings.length + 1), 0, field);
      return;
    }
    case 4:
      picked!.field.wireType = [0, 1, 2, 3, 5, 4, 6, 7][b % 8]!;
      return;
    case 5:
      picked!.field.number = b % 3 === 0 ? Math.max(1, picked!.field.number + (c % 2 === 0 ? 1 : -1)) : fieldNumbers[c % fieldNumbers.length]!;
      return;
    case 6:
      picked!.field.tagPadding = 1 + (b % 6);
      return;
    case 7:
      lengthStyles.set(picked!.field, { padding: 1 + (b % 7), delta: lengthStyles.get(picked!.field)?.delta ?? 0 });
      return;
    case 8:
      lengthStyles.set(picked!.field, { padding: lengthStyles.get(picked!.field)?.padding ?? 0, delta: (b % 5) - 2 });
      return;
    case 9:
    case 10:
      picked!.field.value = interestingValue(picked!.field.wireType, b, c);
      return;
    case 11: {
      // Splice a field of another seed into any message body.
      const donor = allFields(trees[b % trees.length]!);
      const body = bodies[c % bodies.length]!;
      const [copy] = cloneTree([donor[c % donor.length]!.field]);
      body.splice(a % (body.length + 1), 0, copy!);
      return;
    }
    case 12: {
      // Swap two fields of one message.
      const { siblings } = picked!;
      const i = siblings.indexOf(picked!.field);
      const j = b % siblings.length;
      [siblings[i], siblings[j]] = [siblings[j]!, siblings[i]!];
      return;
    }
    case 13: {
      const body = bodies[a % bodies.length]!;
      const wireType = [0, 1, 2, 5, 3][b % 5]!;
      body.splice(c % (body.length + 1), 0, {
        number: fieldNumbers[(b >> 3) % fieldNumbers.length]!,
        wireType,
        tagPadding: 0,
        value: wireType === WireType.StartGroup ? { kind: "message", fields: [], typeName: undefined } : interestingValue(wireType, c, b),
      });
      return;
    }
    case 14: {
      // A message value written again with the same number right after (a
      // repeated map value or a merged singular message), keeping only part.
      const { field, siblings } = picked!;
      if (field.value.kind !== "message") return;
      const [copy] = cloneTree([field]);
      const inner = (copy!.value as { fields: WireField[] }).fields;
      if (inner.length > 0) inner.splice(b % inner.length, 1);
      siblings.splice(siblings.indexOf(field) + 1, 0, copy!);
      return;
    }
    default: {
      // Replace a message value by its raw bytes with one byte changed.
      const { field } = picked!;
      const bytes = field.value.kind === "raw" ? field.value.bytes.slice() : serializeTree(field.value.fields);
      if (bytes.length > 0) bytes[b % bytes.length] = c & 0xff;
      field.value = { kind: "raw", bytes };
    }
  }
}

function interestingValue(wireType: number, b: number, c: number): WireField["value"] {
  switch (wireType) {
    case WireType.Varint:
      return { kind: "raw", bytes: varint(varints[b % varints.length]!, c % 4 === 0 ? c % 7 : 0) };
    case WireType.Bit64:
      return { kind: "raw", bytes: Uint8Array.from({ length: 8 }, (_, i) => (b >> i) ^ (c << i)) };
    case WireType.Bit32:
      return { kind: "raw", bytes: Uint8Array.from({ length: 4 }, (_, i) => (b >> i) ^ (c << i)) };
    default:
      return { kind: "raw", bytes: lengthDelimited[b % lengthDelimited.length]! };
  }
}

function byteEdit(bytes: Uint8Array, [kind, a, b, c]: Edit): Uint8Array {
  const at = bytes.length === 0 ? 0 : a % bytes.length;
  switch (kind % 6) {
    case 0: {
      const out = bytes.slice();
      if (out.length > 0) out[at]! ^= 1 << (b % 8);
      return out;
    }
    case 1: {
      const inserted = Uint8Array.from({ length: 1 + (c % 3) }, (_, i) => (b >> (i * 8)) & 0xff);
      const out = new Uint8Array(bytes.length + inserted.length);
      out.set(bytes.subarray(0, at));
      out.set(inserted, at);
      out.set(bytes.subarray(at), at + inserted.length);
      return out;
    }
    case 2:
      return concat([bytes.subarray(0, at), bytes.subarray(at + 1 + (b % 4))]);
    case 3:
      return bytes.slice(0, at);
    case 4: {
      const out = bytes.slice();
      if (out.length > 0) out[at] = b & 0xff;
      return out;
    }
    default: {
      // A 0x80 continuation byte inserted (makes a varint one byte longer).
      const out = new Uint8Array(bytes.length + 1);
      out.set(bytes.subarray(0, at));
      out[at] = 0x80 | (b & 0x7f);
      out.set(bytes.subarray(at), at + 1);
      return out;
    }
  }
}
