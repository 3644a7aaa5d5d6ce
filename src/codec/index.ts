/**
 * Decoding and encoding of every format Envoy and its tools use.
 */
export { DecodeError, isDecodeError, type DecodeLocation, type Format } from "./decode-error.js";
