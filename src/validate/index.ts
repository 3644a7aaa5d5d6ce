/**
 * Validation of messages, binary and JSON payloads against Envoy's
 * `(validate.rules)` annotations: the functions, their options, results and
 * errors. The planner, the rule families and the wire walk stay internal.
 */
export type { InputPosition, Violation, ValidationResult } from "../fault/violation.js";
export { validate } from "./validate.js";
export { assertValid } from "./assert-valid.js";
export { validateBinary, type ValidateBinaryOptions, type BinaryValidationResult } from "./validate-binary.js";
export { validateJson, type ValidateJsonOptions, type JsonValidationResult } from "./validate-json.js";
export { ValidationError, isValidationError } from "../fault/validation-error.js";
export { PlanError, isPlanError } from "./plan-error.js";
export type { ValidateOptions } from "./context.js";
