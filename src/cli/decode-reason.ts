import { INPUT_TOO_LARGE, type DecodeError } from "../codec/index.js";

/**
 * The reason of a decode error as the CLI prints it: the codec's reason,
 * and for a message over the size limit (`input.too_large`) how to raise
 * the limit, which only the command line can say.
 */
export function decodeReason(error: DecodeError): string {
  if (error.ruleId !== INPUT_TOO_LARGE) return error.reason;
  return `${error.reason}; pass --max-message-bytes N (such as 256MiB) to raise the limit`;
}
