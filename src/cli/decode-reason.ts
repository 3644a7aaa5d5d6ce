// From their own modules: the codec index would bring every decoder into
// the bundle's binary path.
import { INPUT_TOO_LARGE } from "../codec/decode-options.js";
import type { DecodeError } from "../fault/decode-error.js";

/**
 * The reason of a decode error as the CLI prints it: the codec's reason,
 * and for a message over the size limit (`input.too_large`) how to raise
 * the limit, which only the command line can say.
 */
export function decodeReason(error: DecodeError): string {
  if (error.ruleId !== INPUT_TOO_LARGE) return error.reason;
  return `${error.reason}; pass --max-message-bytes N (such as 256MiB) to raise the limit`;
}
