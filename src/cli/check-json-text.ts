import type { DescMessage } from "@bufbuild/protobuf";
import { parseTree, type Node } from "jsonc-parser";
import { registry } from "../registry.js";
import { readCleanJson } from "../validate/clean-json.js";
import { LineIndex, locateProtoPath } from "../validate/json-position.js";
import { validateJson } from "../validate/validate-json.js";
import type { InputPosition, ValidationResult } from "../validate/violation.js";
import { findings, type MessageFindings } from "./check-message.js";

const NOTHING_FOUND: ValidationResult = { kind: "valid", violations: [], warnings: [] };

/**
 * Finds a proto path in the message's text, for findings made on the
 * decoded message (the trace checks): the text is parsed only when such a
 * finding comes, which a clean trace never has.
 */
function locator(schema: DescMessage, text: string): (path: string) => InputPosition | undefined {
  let tree: Node | undefined;
  let lines: LineIndex | undefined;
  return (path) => {
    tree ??= parseTree(text);
    if (tree === undefined) return undefined;
    const location = locateProtoPath(tree, schema, path, registry);
    if (!location.complete) return undefined;
    lines ??= new LineIndex(text);
    return lines.position(location.value.offset);
  };
}

/**
 * Checks one JSON message with `validateJson`, which reports encoding
 * faults (unknown keys, wrong types, bad base64) as `json.*` violations with
 * line:column in the message's text; those are shifted to the file.
 *
 * A document `readCleanJson` certifies skips `validateJson` (and with it
 * protobuf-es's `fromJson`, most of the cost of a clean message); anything
 * else takes the full path, so what is reported does not depend on which
 * path ran. The relational checks of traces are rules of both paths.
 *
 * A module of its own, imported only when a JSON input comes: validateJson
 * loads ajv, which checking binary or text input does not need.
 */
export function checkJsonText(schema: DescMessage, text: string, start: { readonly line: number; readonly column: number }): MessageFindings {
  const { line, column } = start;
  const shift = (p: InputPosition): InputPosition =>
    "line" in p ? { line: line + p.line - 1, column: p.line === 1 ? column + p.column - 1 : p.column } : p;
  const clean = readCleanJson(schema, text);
  if (clean !== undefined) return findings(NOTHING_FOUND, start, shift);
  const result = validateJson(schema, text);
  return findings(result, start, shift, locator(schema, text));
}
