import type { Format } from "../codec/index.js";
import type { Problem } from "./report/problem.js";

/**
 * The rule id of an input that holds no message at all: an empty file, one
 * of only whitespace (or, in text format, comments), or a JSON `[]`. A CI
 * job whose generator wrote nothing must not pass, so `validate` reports it
 * as a failing problem unless `--allow-empty`.
 */
export const INPUT_EMPTY = "input.empty";

const BLANK = /^\uFEFF?\s*$/;
const BLANK_OR_EMPTY_ARRAY = /^\uFEFF?\s*(\[\s*\])?\s*$/;
const BLANK_OR_COMMENTS = /^\uFEFF?(\s|#[^\n]*)*$/;

/**
 * Whether an input whose first bytes are `head` certainly holds no message,
 * judged from those bytes alone (so before the message type is known):
 * no bytes at all in any format; for JSON, NDJSON and text, nothing but
 * whitespace, a JSON `[]` or text-format comments. Binary formats named by
 * the user (`--format`, the file's extension) are empty only with no bytes:
 * a blank there is a malformed message, which decoding reports. `false`
 * means "not certain": the caller counts the messages it reads.
 */
export function isCertainlyEmpty(head: Uint8Array, headIsWholeInput: boolean, format: Format, formatFromContent: boolean): boolean {
  if (!headIsWholeInput) return false;
  if (head.length === 0) return true;
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head);
  switch (format) {
    case "json":
      return BLANK_OR_EMPTY_ARRAY.test(text);
    case "ndjson":
      return BLANK.test(text);
    case "text":
      return BLANK_OR_COMMENTS.test(text);
    case "binary":
    case "delimited":
      return formatFromContent && BLANK.test(text);
  }
}

/** The problem reported for an empty input (see {@link INPUT_EMPTY}). */
export function emptyInputProblem(file: string, isStdin: boolean): Problem {
  return {
    kind: "violation",
    severity: "error",
    file,
    path: "",
    ruleId: INPUT_EMPTY,
    message: `empty ${isStdin ? "input" : "file"}: it holds no message (pass --allow-empty to accept empty inputs)`,
  };
}
