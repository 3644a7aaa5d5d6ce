/**
 * `JSON.parse` keeps the last of duplicate object keys without a word, so
 * `{"nonce": 1, "nonce": 2}` would decode as 2. protobuf-es'
 * `fromJsonString` rejects duplicates by rescanning the text character by
 * character; this check does the same on text `JSON.parse` has already
 * accepted, but jumps over string contents with `indexOf` (tap payloads are
 * mostly long base64 strings), and it says where the duplicate is.
 */

/** The first repeated key of one object in `text` (valid JSON) and the index of its second occurrence. */
export function findDuplicateKey(text: string): { readonly key: string; readonly index: number } | undefined {
  // One set of seen keys per open object; arrays push null.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length) {
    switch (text.charCodeAt(i)) {
      case 0x7b: // {
        stack.push(new Set());
        expectKey = true;
        i++;
        break;
      case 0x5b: // [
        stack.push(null);
        expectKey = false;
        i++;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        stack.pop();
        expectKey = false;
        i++;
        break;
      case 0x2c: // ,
        expectKey = stack[stack.length - 1] != null;
        i++;
        break;
      case 0x22: {
        // "
        const open = i;
        let close = text.indexOf('"', open + 1);
        while (close > 0 && isEscaped(text, close)) close = text.indexOf('"', close + 1);
        if (close < 0) return undefined; // not valid JSON, which JSON.parse has already refused
        i = close + 1;
        const seen = stack[stack.length - 1];
        if (expectKey && seen) {
          const raw = text.slice(open + 1, close);
          // Keys written with escapes (`"\u006eonce"`) compare by their value.
          const key = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
          if (seen.has(key)) return { key, index: open };
          seen.add(key);
        }
        expectKey = false;
        break;
      }
      default:
        i++;
    }
  }
  return undefined;
}

/** Whether the quote at `index` is preceded by an odd number of backslashes. */
function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let j = index - 1; j >= 0 && text.charCodeAt(j) === 0x5c; j--) backslashes++;
  return backslashes % 2 === 1;
}
