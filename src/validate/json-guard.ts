/**
 * Checks of a JSON document that come before any schema: nesting depth,
 * `__proto__` keys and duplicate keys. All of them walk iteratively, so a
 * hostile document cannot overflow the stack here, and the depth check runs
 * before anything that recurses (the tree parser, ajv's validators,
 * protobuf-es) sees the document.
 */

/**
 * Scans JSON text for the first bracket that opens nesting level
 * `maxDepth + 1`, skipping strings. Returns its offset, or undefined when the
 * text nests no deeper than `maxDepth`.
 */
export function textDepthOverflow(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return undefined;
}

/** What {@link inspectValue} found: pointer tokens of offending places. */
export interface ValueInspection {
  /** Whether a container is nested deeper than allowed. */
  readonly tooDeep: boolean;
  /** Every `__proto__` key (the tokens end with the key itself). */
  readonly protoKeys: readonly (readonly string[])[];
}

/**
 * Walks a parsed JSON value without recursion, looking for nesting deeper
 * than `maxDepth` and for `__proto__` keys. JSON.parse creates `__proto__` as
 * an ordinary own property, but code that copies objects (protobuf-es's
 * Struct and map readers among them) would assign it and so replace an
 * object's prototype; such keys are refused before anything copies them.
 */
export function inspectValue(root: unknown, maxDepth: number): ValueInspection {
  const protoKeys: string[][] = [];
  let tooDeep = false;
  const stack: { value: unknown; tokens: string[] }[] = [{ value: root, tokens: [] }];
  while (stack.length > 0) {
    const { value, tokens } = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (tokens.length >= maxDepth) {
      tooDeep = true;
      break;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], tokens: [...tokens, String(i)] });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      if (key === "__proto__") protoKeys.push([...tokens, key]);
      else stack.push({ value: (value as Record<string, unknown>)[key], tokens: [...tokens, key] });
    }
  }
  return { tooDeep, protoKeys };
}

/** A key that occurs again in its object: its pointer tokens and the offset of this occurrence. */
export interface DuplicateKey {
  readonly tokens: readonly string[];
  readonly offset: number;
}

interface OpenContainer {
  /** Keys seen so far in an object; undefined for an array. */
  readonly keys: Set<string> | undefined;
  /** The current key (object) or index (array), which leads to the next child. */
  step: string;
  index: number;
}

/**
 * Finds keys that occur twice in one object (JSON.parse silently keeps the
 * last) with one linear scan of text JSON.parse has already accepted, so no
 * tree is built for a clean document. Returns every repeated occurrence, in
 * document order.
 */
export function duplicateKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const stack: OpenContainer[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{") {
      stack.push({ keys: new Set(), step: "", index: 0 });
      expectKey = true;
    } else if (c === "[") {
      stack.push({ keys: undefined, step: "0", index: 0 });
      expectKey = false;
    } else if (c === "}" || c === "]") {
      stack.pop();
      expectKey = false;
    } else if (c === ",") {
      const top = stack[stack.length - 1];
      if (top?.keys === undefined && top !== undefined) top.step = String(++top.index);
      expectKey = top?.keys !== undefined;
    } else if (c === ":") {
      expectKey = false;
    } else if (c === '"') {
      const open = i;
      let escaped = false;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === "\\") {
          escaped = true;
          i++;
        }
      }
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys !== undefined) {
        // Escapes are decoded so that "\u0061" and "a" are the same key.
        const key = escaped ? (JSON.parse(text.slice(open, i + 1)) as string) : text.slice(open + 1, i);
        if (top.keys.has(key)) found.push({ tokens: [...stack.slice(0, -1).map((s) => s.step), key], offset: open });
        top.keys.add(key);
        top.step = key;
      }
      expectKey = false;
    }
  }
  return found;
}
