/**
 * Field names at the top level of each message in the first bytes of a
 * text-format input (JSON heads are scanned by `src/json/`), for guessing
 * the message type. The scanner only tokenizes (strings, comments,
 * nesting): it never parses values, so a head cut in the middle of a value,
 * invalid input or a hostile key cannot make it fail; at worst it finds
 * fewer names.
 */

/** The keys of every top-level object of a JSON or NDJSON head: read by `src/json/`, the package's one JSON tokenizer. */
export { scanJsonKeys } from "../json/scan-json-keys.js";

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
