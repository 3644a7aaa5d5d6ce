/**
 * Field names at the top level of each message in the first bytes of a JSON
 * or NDJSON input, for guessing the message type. This scanner only
 * tokenizes (strings, nesting): it never parses values, so a head cut in the
 * middle of a value, invalid input or a hostile key such as `__proto__`
 * cannot make it fail; at worst it finds fewer names.
 */

/**
 * The keys of every top-level object in `text` (a JSON document, NDJSON
 * lines or concatenated objects), or of every element of a top-level array.
 */
export function scanJsonKeys(text: string): Set<string> {
  const keys = new Set<string>();
  // Depth counts both objects and arrays. Messages sit at depth 1, or at
  // depth 2 inside a top-level array.
  let depth = 0;
  let messageDepth = 1;
  let seenFirst = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = endOfJsonString(text, i);
      if (end === undefined) break;
      if (depth === messageDepth && /^\s*:/.test(text.slice(end + 1, end + 64))) {
        keys.add(decodeJsonString(text.slice(i, end + 1)));
      }
      i = end;
    } else if (c === "{" || c === "[") {
      if (!seenFirst) {
        seenFirst = true;
        if (c === "[") messageDepth = 2;
      }
      depth++;
    } else if (c === "}" || c === "]") {
      depth--;
    }
  }
  return keys;
}

/** The index of the closing quote of the JSON string starting at `start`. */
function endOfJsonString(text: string, start: number): number | undefined {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return undefined;
}

function decodeJsonString(literal: string): string {
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === "string" ? value : literal;
  } catch {
    return literal.slice(1, -1);
  }
}
