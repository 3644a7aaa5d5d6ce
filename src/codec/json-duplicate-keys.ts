/**
 * `JSON.parse` keeps the last of duplicate object keys without a word, so
 * `{"nonce": 1, "nonce": 2}` would decode as 2. protobuf-es'
 * `fromJsonString` rejects duplicates by rescanning the text character by
 * character; this check does the same on text `JSON.parse` has already
 * accepted, but jumps over string contents with `indexOf` (tap payloads are
 * mostly long base64 strings), and it says where the duplicate is.
 */

/** A key that occurs again in its object. */
export interface DuplicateKey {
  /** The key, escapes decoded. */
  readonly key: string;
  /** The index in the text of this (second or later) occurrence's opening quote. */
  readonly index: number;
  /** The JSON pointer tokens of the duplicate: the keys and array indexes leading to it, then the key. */
  readonly tokens: readonly string[];
}

/** An open object (with the keys seen so far) or array, and the step (key or index) to its current child. */
interface OpenContainer {
  readonly keys: Set<string> | null;
  step: string;
  index: number;
}

/**
 * Every repeated key of one object in `text` (valid JSON), in document
 * order, or only the first `limit` of them.
 */
export function findDuplicateKeys(text: string, limit = Number.POSITIVE_INFINITY): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const stack: OpenContainer[] = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length) {
    switch (text.charCodeAt(i)) {
      case 0x7b: // {
        stack.push({ keys: new Set(), step: "", index: 0 });
        expectKey = true;
        i++;
        break;
      case 0x5b: // [
        stack.push({ keys: null, step: "0", index: 0 });
        expectKey = false;
        i++;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        stack.pop();
        expectKey = false;
        i++;
        break;
      case 0x2c: {
        // ,
        const top = stack[stack.length - 1];
        if (top !== undefined && top.keys === null) top.step = String(++top.index);
        expectKey = top?.keys != null;
        i++;
        break;
      }
      case 0x22: {
        // "
        const open = i;
        let close = text.indexOf('"', open + 1);
        while (close > 0 && isEscaped(text, close)) close = text.indexOf('"', close + 1);
        if (close < 0) return found; // not valid JSON, which JSON.parse has already refused
        i = close + 1;
        const top = stack[stack.length - 1];
        if (expectKey && top?.keys) {
          const raw = text.slice(open + 1, close);
          // Keys written with escapes (`"\u006eonce"`) compare by their value.
          const key = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
          if (top.keys.has(key)) {
            found.push({ key, index: open, tokens: [...stack.slice(0, -1).map((s) => s.step), key] });
            if (found.length >= limit) return found;
          }
          top.keys.add(key);
          top.step = key;
        }
        expectKey = false;
        break;
      }
      default:
        i++;
    }
  }
  return found;
}

/** The first repeated key of one object in `text` (valid JSON). */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  return findDuplicateKeys(text, 1)[0];
}

/** Whether the quote at `index` is preceded by an odd number of backslashes. */
function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let j = index - 1; j >= 0 && text.charCodeAt(j) === 0x5c; j--) backslashes++;
  return backslashes % 2 === 1;
}
