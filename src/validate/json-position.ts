import type { DescField, DescMessage, DescOneof, Registry } from "@bufbuild/protobuf";
import { readJson, type JsonNode as Node } from "../json/read-json.js";
import { fieldForJsonKey, messageSlot, type JsonSlot } from "./json-path.js";

/**
 * A 1-based line and column; columns count Unicode code points, as the
 * codec's decode errors and `JsonSource` positions do, so that the two can be
 * added up (a message's start plus a violation's place inside it).
 */
export interface LineColumn {
  readonly line: number;
  readonly column: number;
}

/** Converts character offsets of one text into lines and columns. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // "\r\n" is one line break; a lone "\r" is one too, as in JSON's grammar of whitespace.
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1);
    }
  }

  /** The line and column of the UTF-16 index `offset`. */
  position(offset: number): LineColumn {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    let column = 1;
    for (let i = this.starts[low]!; i < offset; i++) {
      const unit = this.text.charCodeAt(i);
      // The low half of a surrogate pair continues the code point of the high half.
      if (!(unit >= 0xdc00 && unit <= 0xdfff && i > 0 && isHighSurrogate(this.text.charCodeAt(i - 1)))) column++;
    }
    return { line: low + 1, column };
  }
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

/** Where a proto path leads in a parsed JSON document. */
export interface JsonLocation {
  /** The value at the path, or the closest enclosing value when the path leaves the document. */
  readonly value: Node;
  /** The key of the property holding `value`, when there is one. */
  readonly key: Node | undefined;
  /** Whether the whole path was found. */
  readonly complete: boolean;
}

/** One step of a parsed path: a field or oneof name, or a bracketed index or map key. */
export type PathStep = { readonly kind: "name"; readonly name: string } | { readonly kind: "bracket"; readonly key: string; readonly quoted: boolean };

/**
 * Splits a path in the package's notation (`a.b[0].c["k"]`) into steps.
 * Bracketed steps stay uninterpreted (`[3]` is an index in an array and a key
 * in a map with integer keys) until the document says which.
 */
export function parseProtoPath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      i++;
    } else if (c === "[") {
      if (path[i + 1] === '"') {
        let j = i + 2;
        while (j < path.length && path[j] !== '"') j += path[j] === "\\" ? 2 : 1;
        steps.push({ kind: "bracket", key: readJson(path.slice(i + 1, j + 1)).value as string, quoted: true });
        i = j + 2;
      } else {
        const end = path.indexOf("]", i);
        const stop = end < 0 ? path.length : end;
        steps.push({ kind: "bracket", key: path.slice(i + 1, stop), quoted: false });
        i = stop + 1;
      }
    } else {
      let j = i;
      while (j < path.length && path[j] !== "." && path[j] !== "[") j++;
      steps.push({ kind: "name", name: path.slice(i, j) });
      i = j;
    }
  }
  return steps;
}

/**
 * Finds the JSON value (and its key) that a proto path names, walking the
 * document with the descriptors so that a field written under its JSON name
 * is found by its proto name. A oneof's name leads to the key of its last
 * member present (the member that made the oneof over-full). When a key
 * occurs twice, the last occurrence is taken, as JSON.parse keeps it.
 */
export function locateProtoPath(root: Node, schema: DescMessage, path: string, registry: Registry): JsonLocation {
  let value = root;
  let key: Node | undefined;
  let slot: JsonSlot = { kind: "message", desc: schema };
  for (const step of parseProtoPath(path)) {
    if (slot.kind === "value" && slot.field.message !== undefined) {
      slot = messageSlot(slot.field.message, anyTypeProbe(value), registry);
    }
    if (step.kind === "bracket" && value.type === "array") {
      const item = value.children?.[Number(step.key)];
      if (item === undefined || !/^[0-9]+$/.test(step.key)) return { value, key, complete: false };
      value = item;
      key = undefined;
      slot = slot.kind === "container" ? { kind: "value", field: slot.field, element: true } : { kind: "json" };
      continue;
    }
    if (value.type !== "object") return { value, key, complete: false };
    const name = step.kind === "name" ? step.name : step.key;
    if (step.kind === "name" && slot.kind === "message") {
      const desc: DescMessage = slot.desc;
      const field: DescField | undefined = desc.fields.find((f) => f.name === name);
      if (field !== undefined) {
        const property = lastProperty(value, (k) => fieldForJsonKey(desc, k) === field);
        if (property === undefined) return { value, key, complete: false };
        [key, value] = [property.children![0], property.children![1]!];
        slot = field.fieldKind === "list" || field.fieldKind === "map" ? { kind: "container", field } : { kind: "value", field, element: false };
        continue;
      }
      const oneof: DescOneof | undefined = desc.oneofs.find((o) => o.name === name);
      if (oneof !== undefined) {
        const property = lastProperty(value, (k) => oneof.fields.includes(fieldForJsonKey(desc, k)!));
        return { value, key: property?.children?.[0] ?? key, complete: property !== undefined };
      }
    }
    const property = lastProperty(value, (k) => k === name);
    if (property === undefined) return { value, key, complete: false };
    [key, value] = [property.children![0], property.children![1]!];
    slot = slot.kind === "container" ? { kind: "value", field: slot.field, element: true } : { kind: "json" };
  }
  return { value, key, complete: true };
}

/**
 * Finds the value (and key) a JSON pointer's tokens lead to; a key that occurs
 * twice leads to its last occurrence, the one JSON.parse keeps.
 */
export function locateJsonPointer(root: Node, tokens: readonly string[]): JsonLocation {
  let value = root;
  let key: Node | undefined;
  for (const token of tokens) {
    if (value.type === "array") {
      const item = value.children?.[Number(token)];
      if (item === undefined) return { value, key, complete: false };
      [key, value] = [undefined, item];
    } else if (value.type === "object") {
      const property = lastProperty(value, (k) => k === token);
      if (property === undefined) return { value, key, complete: false };
      [key, value] = [property.children![0], property.children![1]!];
    } else {
      return { value, key, complete: false };
    }
  }
  return { value, key, complete: true };
}

function lastProperty(object: Node, match: (key: string) => boolean): Node | undefined {
  const properties = object.children ?? [];
  for (let i = properties.length - 1; i >= 0; i--) {
    const property = properties[i]!;
    const keyNode = property.children?.[0];
    if (keyNode !== undefined && property.children?.[1] !== undefined && typeof keyNode.value === "string" && match(keyNode.value)) {
      return property;
    }
  }
  return undefined;
}

/** Just enough of an object node for `messageSlot` to read an Any's `@type`. */
function anyTypeProbe(node: Node): unknown {
  if (node.type !== "object") return undefined;
  const typeProperty = lastProperty(node, (k) => k === "@type");
  const typeValue = typeProperty?.children?.[1]?.value;
  return typeof typeValue === "string" ? { "@type": typeValue } : {};
}
