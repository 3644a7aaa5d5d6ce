import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import type { ValidateOptions } from "./context.js";
import { validate } from "./validate.js";
import { ValidationError } from "../fault/validation-error.js";

/**
 * Validates like `validate` and throws a {@link ValidationError} carrying
 * every violation when the message is invalid. Warnings never throw.
 */
export function assertValid<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>, options?: ValidateOptions): void {
  const result = validate(schema, message, options);
  if (result.kind === "invalid") throw new ValidationError(schema.typeName, result.violations);
}
