/**
 * Checks of an already parsed JSON value (validateJson given a value, not
 * text; text is checked by the JSON reader as it is read) that come before
 * any schema: nesting depth and `__proto__` keys. The walk is iterative, so
 * a hostile value cannot overflow the stack here, and it runs before
 * anything that recurses (ajv's validators, protobuf-es) sees the value.
 */

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
