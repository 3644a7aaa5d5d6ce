/**
 * Decoding and encoding of every format Envoy and its tools use, with format
 * detection and bounded-memory streaming. Runs in browsers and edge
 * runtimes: nothing here imports a Node-only module.
 *
 * Formats (see {@link Format}):
 *
 * - `binary` (`.pb`): one message; the whole input is that message.
 * - `delimited` (`.pb_length_delimited`): messages each prefixed by its
 *   varint length, as Envoy's streaming tap sink writes them.
 * - `json` (`.json`): one JSON value, a JSON array of messages, or values one
 *   after another (Envoy's admin tap stream of pretty-printed objects); the
 *   reader decides per input from its first character. Several messages are
 *   written as one JSON array by default (`jsonLayout: "auto"`), so the
 *   output is always one valid JSON document; `concatenated` writes Envoy's
 *   stream form instead.
 * - `ndjson` (`.ndjson`, `.jsonl`): one compact message per line.
 * - `text` (`.pb_text`): the protobuf text format. A text file holds one
 *   message, and there is no standard separator, so writing several
 *   messages as text is refused with an {@link EncodeError} (use
 *   `delimited`, `ndjson` or `json` for streams).
 *
 * Every decoding fault throws {@link DecodeError}: `cannot decode TYPE from
 * FORMAT: REASON at byte N` (binary, delimited) or `at line L:C` (json,
 * ndjson, text), with the file name and message index in `location`.
 */
export { DecodeError, isDecodeError, type DecodeLocation, type Format } from "./decode-error.js";
export type { InputPosition } from "./input-position.js";
export { EncodeError, isEncodeError } from "./encode-error.js";
export { formats, isFormat } from "./formats.js";
export { DEFAULT_MAX_MESSAGE_BYTES, INPUT_TOO_LARGE, type DecodeOptions } from "./decode-options.js";
export type { EncodeOptions, JsonLayout } from "./encode-options.js";
export { decode } from "./decode.js";
export { encode } from "./encode.js";
export { readMessages, type ReadMessage, type ReadMessagesOptions, type JsonSource } from "./read-messages.js";
export { readFrames, type MessageFrame } from "./read-frames.js";
export { writeMessages } from "./write-messages.js";
export { detectFormat, formatFromFileName, type FormatDetection, type DetectFormatOptions } from "./detect-format.js";
export { unknownFieldPaths } from "./unknown-fields.js";
