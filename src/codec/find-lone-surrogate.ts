/** A UTF-16 surrogate without its partner: not Unicode text, so not a protobuf string. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The first string or object key in a parsed JSON value that holds a lone
 * surrogate (written `"\ud800"` in the text), or `undefined`. Google's
 * runtime refuses such strings wherever they are (they have no UTF-8
 * form); protobuf-es would turn them into U+FFFD when encoding.
 */
export function findLoneSurrogate(value: unknown): string | undefined {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === "string") {
      if (LONE_SURROGATE.test(next)) return next;
    } else if (typeof next === "object" && next !== null) {
      if (!Array.isArray(next)) for (const key of Object.keys(next)) if (LONE_SURROGATE.test(key)) return key;
      for (const child of Object.values(next)) pending.push(child);
    }
  }
  return undefined;
}
