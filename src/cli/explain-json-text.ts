import type { DescMessage } from "@bufbuild/protobuf";
import { readJson, type JsonNode } from "../json/read-json.js";
import { registry } from "../registry.js";
import { LineIndex, locateProtoPath } from "../validate/json-position.js";
import { validateJson } from "../validate/validate-json.js";
import type { InputPosition } from "../fault/violation.js";
import { findings, type MessageFindings } from "./check-message.js";

/**
 * Finds a proto path in the message's text, for findings made on the
 * decoded message (the trace checks): the text is parsed only when such a
 * finding comes, which a clean trace never has.
 */
function locator(schema: DescMessage, text: string): (path: string) => InputPosition | undefined {
  let tree: JsonNode | undefined;
  let lines: LineIndex | undefined;
  return (path) => {
    try {
      tree ??= readJson(text, { tree: true }).tree!;
    } catch {
      return undefined;
    }
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
 * A module of its own, imported only when a JSON message is not proven
 * clean by `checkJsonText`'s one pass: validateJson loads ajv's validators
 * (~600 KB of code), which a clean document never needs.
 */
export function explainJsonText(schema: DescMessage, text: string, start: { readonly line: number; readonly column: number }): MessageFindings {
  const result = validateJson(schema, text);
  // The common case of a stream of valid lines: nothing to place, nothing to build.
  if (result.violations.length === 0 && result.warnings.length === 0) return NO_FINDINGS;
  const { line, column } = start;
  const shift = (p: InputPosition): InputPosition =>
    "line" in p ? { line: line + p.line - 1, column: p.line === 1 ? column + p.column - 1 : p.column } : p;
  return findings(result, start, shift, locator(schema, text));
}

/** The findings of a clean message, shared: nobody adds to them. */
const NO_FINDINGS: MessageFindings = Object.freeze({ violations: Object.freeze([]), warnings: Object.freeze([]) });
