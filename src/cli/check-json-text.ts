import type { DescMessage } from "@bufbuild/protobuf";
// Not validateJson: its module loads ajv's validators, which only a document
// with a problem needs (explain-json-text.ts, imported then).
import { validJsonResult } from "../validate/clean-json.js";
import type { MessageFindings } from "./check-message.js";

/** Where a JSON message starts in its file (1-based). */
type Start = { readonly line: number; readonly column: number };

/** The findings of a clean message, shared: nobody adds to them. */
const NO_FINDINGS: MessageFindings = Object.freeze({ violations: Object.freeze([]), warnings: Object.freeze([]) });

/**
 * Checks one JSON message as `validateJson` does, with line:column
 * positions in the file. The one-pass verdict of `src/json/` (validateJson's
 * own fast path) proves a clean document clean, synchronously and with no
 * finding to build, the common case of a stream of valid lines; any other
 * document is handed to {@link explainJsonText}, whose findings are
 * validateJson's.
 */
export function checkJsonText(schema: DescMessage, text: string, start: Start): MessageFindings | Promise<MessageFindings> {
  if (validJsonResult(schema, text) !== undefined) return NO_FINDINGS;
  return explainJsonText(schema, text, start);
}

/** Every finding of validateJson on a JSON message, placed in its file (see explain-json-text.ts). */
export async function explainJsonText(schema: DescMessage, text: string, start: Start): Promise<MessageFindings> {
  const { explainJsonText: explain } = await import("./explain-json-text.js");
  return explain(schema, text, start);
}
