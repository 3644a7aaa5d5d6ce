/**
 * Validation of messages, binary and JSON payloads against Envoy's
 * `(validate.rules)` annotations.
 */
export { toResult, type InputPosition, type Violation, type ValidationResult } from "./violation.js";
export { validate } from "./validate.js";
export { assertValid } from "./assert-valid.js";
export { validateBinary, type ValidateBinaryOptions, type BinaryValidationResult } from "./validate-binary.js";
export { isCertainlyCleanJson } from "./clean-json.js";
export { ValidationError, isValidationError, describeViolation } from "./validation-error.js";
export { planValidator, type MessageValidator } from "./planner.js";
export { PlanError, isPlanError } from "./plan-error.js";
export { EvalContext, type ValidateOptions } from "./context.js";
export { formatPath, MapKeySegment, type PathSegment } from "./path.js";
export { translateRe2, Re2SyntaxError } from "./re2.js";
export { codePointCount, utf8ByteCount, stringMessages } from "./rules/string.js";
export { intMessages } from "./rules/int.js";
export { enumMessages } from "./rules/enum.js";
export { messageMessages } from "./rules/message.js";
export { repeatedMessages } from "./rules/repeated.js";
export { anyMessages } from "./rules/any.js";
export { durationMessages } from "./rules/duration.js";
export { timestampMessages } from "./rules/timestamp.js";
export { oneofMessages } from "./rules/oneof.js";
export { validateJson, type ValidateJsonOptions, type JsonValidationResult } from "./validate-json.js";
