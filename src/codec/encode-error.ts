import type { Format } from "../fault/decode-error.js";

/**
 * Thrown when messages cannot be written in the requested format: several
 * messages for the single-message `text` or `binary` formats, or an
 * `google.protobuf.Any` whose type the registry does not know (JSON and text
 * must expand it). Its message reads `cannot encode TYPE to FORMAT: REASON`.
 */
export class EncodeError extends Error {
  override readonly name = "EncodeError";
  constructor(
    readonly typeName: string,
    readonly format: Format,
    readonly reason: string,
    /** 0-based index of the message that could not be written, when one was at fault. */
    readonly index?: number,
    options?: { cause?: unknown },
  ) {
    super(`cannot encode ${typeName} to ${format}: ${reason}`, options);
  }
}

/** Whether `error` is an {@link EncodeError}. */
export function isEncodeError(error: unknown): error is EncodeError {
  return error instanceof Error && error.name === "EncodeError";
}
