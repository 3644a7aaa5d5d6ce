/**
 * Checks of a JSON document that come before any schema: nesting depth and
 * `__proto__` keys (duplicate keys are the codec's `findDuplicateKeys`).
 * Both walk iteratively, so a
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
