/**
 * Field names at the top level of each message in the first bytes of a JSON,
 * NDJSON or text-format input, for guessing the message type. These scanners
 * only tokenize (strings, comments, nesting): they never parse values, so a
 * head cut in the middle of a value, invalid input or a hostile key such as
 * `__proto__` cannot make them fail; at worst they find fewer names.
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

/**
 * The field names at the top level of a protobuf text-format message: an
 * identifier outside any `{}`/`<>` block and `[]` list, followed by `:`, `{`
 * or `<`. Extension and `Any` names in brackets are skipped.
 */
export function scanTextFieldNames(text: string): Set<string> {
  const names = new Set<string>();
  let depth = 0;
  let brackets = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "#") {
      const end = text.indexOf("\n", i);
      if (end === -1) break;
      i = end;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      i = j;
    } else if (c === "{" || c === "<") {
      depth++;
    } else if (c === "}" || c === ">") {
      depth--;
    } else if (c === "[") {
      brackets++;
    } else if (c === "]") {
      brackets--;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 256))!;
      const name = match[0];
      const after = /^\s*([:{<])/.exec(text.slice(i + name.length, i + name.length + 64));
      // A name right after a digit is part of a number (`1e5`), not a field.
      const partOfNumber = i > 0 && /[0-9.]/.test(text[i - 1]!);
      if (depth === 0 && brackets === 0 && after !== null && !partOfNumber) names.add(name);
      i += name.length - 1;
    }
  }
  return names;
}
