import type { DescMessage } from "@bufbuild/protobuf";
import { validateJson } from "../validate/validate-json.js";
import type { InputPosition } from "../validate/violation.js";
import { findings, type MessageFindings } from "./check-message.js";

/**
 * Checks one JSON message with `validateJson`, which reports encoding
 * faults (unknown keys, wrong types, bad base64) as `json.*` violations with
 * line:column in the message's text; those are shifted to the file.
 * `validateJson` chooses its fast path itself (a clean document never
 * reaches ajv or protobuf-es's `fromJson`), so the CLI does not.
 *
 * A module of its own, imported only when a JSON input comes: validateJson
 * loads ajv, which checking binary or text input does not need.
 */
export function checkJsonText(schema: DescMessage, text: string, start: { readonly line: number; readonly column: number }): MessageFindings {
  const { line, column } = start;
  const shift = (p: InputPosition): InputPosition =>
    "line" in p ? { line: line + p.line - 1, column: p.line === 1 ? column + p.column - 1 : p.column } : p;
  return findings(validateJson(schema, text), start, shift);
}
