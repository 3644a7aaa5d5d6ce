/**
 * Decoding and encoding of every format Envoy and its tools use (`binary`,
 * `delimited`, `json`, `ndjson`, `text`: see {@link decode} and
 * {@link encode} for how each holds messages), with format detection and
 * bounded-memory streaming. Runs in browsers and edge runtimes: nothing here
 * imports a Node-only module. Every decoding fault throws {@link DecodeError}.
 */
export { DecodeError, isDecodeError, type DecodeLocation, type Format } from "../fault/decode-error.js";
export type { InputPosition } from "../fault/position.js";
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
