/**
 * Validation of messages, binary and JSON payloads against Envoy's
 * `(validate.rules)` annotations.
 */
export { toResult, type InputPosition, type Violation, type ValidationResult } from "./violation.js";
