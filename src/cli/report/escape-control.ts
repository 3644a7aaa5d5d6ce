/**
 * Characters that must never reach a log or terminal as they are: C0 and C1
 * controls and DEL (a line break could start a forged GitHub workflow
 * command such as `::error ...`, an ESC a terminal escape sequence), the
 * Unicode line and paragraph separators, the bidirectional overrides and
 * isolates that reorder what a reader sees, and lone surrogates (which no
 * UTF-8 output can hold).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const SHORT: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Escapes the characters of untrusted text (payload keys and values, file
 * names) that could change what a line of output means, as JSON spells
 * them: `\n`, `\r`, `\t`, and `\u001b` for the others. Every other
 * character, backslashes included, stays as it is, so ordinary names and
 * messages read unchanged.
 */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** What `JSON.stringify` leaves raw of {@link UNSAFE}. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A document from `JSON.stringify` with the same escapes. `JSON.stringify`
 * escapes C0 controls and lone surrogates, but leaves DEL, C1 controls,
 * U+2028/9 and the bidirectional controls raw; those can only occur inside
 * its strings, where `\uXXXX` means the same character, so the document
 * parses to the same value (and its own indentation is left alone).
 */
export function escapeControlInJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, escapeOne);
}

/**
 * A file name as the first thing on an output line: escaped, and, when it
 * starts with `:`, written as `./NAME` (the same file), so that no line the
 * CLI prints starts with `::` unless it is a workflow command the CLI meant.
 */
export function displayFileName(file: string): string {
  const escaped = escapeControl(file);
  return escaped.startsWith(":") ? `./${escaped}` : escaped;
}

function escapeOne(character: string): string {
  return SHORT[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
}
