import { fromJson, type DescMessage, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { jsonVerdict, JsonVerdict } from "../json/json-verdict.js";
import { registry } from "../registry.js";
import { messagePlan } from "../wire/plan.js";
import { planJson } from "./plan-json.js";
import { EvalContext, type ValidateOptions } from "./context.js";
import { wireRules } from "./planner.js";
import { validate } from "./validate.js";
import type { ValidationResult } from "../fault/violation.js";

/**
 * The fast path of {@link validateJson} on text: the verdict walk of
 * `src/json/` (one pass of the tokenizer driven by the type's plan, with the
 * rules the wire walk checks) proves the document valid without parsing it
 * into a value or a message. A type with relations between fields (the
 * trace's event order) is then read by protobuf-es and checked by the rule
 * engine, since a relation needs the message. Returns `undefined` whenever
 * the walk cannot prove the document valid: `validateJson` then takes its
 * full path, which finds and places every defect. It never decides that a
 * document is invalid, so it cannot change what is reported.
 *
 * The walk accepts only what `fromJson` reads to the same values as Google's
 * runtime and the generated JSON Schema accepts as far as encoding goes (its
 * rule keywords state the rule engine's rules, which the walk checks on the
 * same values; json-schema-honesty.test.ts holds the two together), so ajv
 * is not run. A valid result's `message` is read by protobuf-es when first
 * asked for.
 */
export function validJsonResult<Desc extends DescMessage>(
  schema: Desc,
  text: string,
  maxDepth = 100,
  options: ValidateOptions = {},
): (ValidationResult & { readonly message?: MessageShape<Desc> }) | undefined {
  // A rule's test makes its own context when given none; one is needed here only to carry `now`.
  const context = options.now === undefined ? undefined : new EvalContext({ ...options, failFast: true });
  const verdict = jsonVerdict(text, planJson(messagePlan(schema, wireRules)), maxDepth, context);
  if (verdict === JsonVerdict.Valid) {
    let message: MessageShape<Desc> | undefined;
    return Object.defineProperty({ kind: "valid", violations: [], warnings: [] } as ValidationResult, "message", {
      enumerable: true,
      get: () => (message ??= fromJson(schema, JSON.parse(text) as JsonValue, { registry })),
    });
  }
  if (verdict === JsonVerdict.Undecided) return undefined;
  const message = fromJson(schema, JSON.parse(text) as JsonValue, { registry });
  const rules = validate(schema, message, options);
  return rules.violations.length === 0 && rules.warnings.length === 0 ? { kind: "valid", violations: [], warnings: [], message } : undefined;
}

/**
 * Whether `validateJson(schema, text)` would certainly report nothing: the
 * fast path of JSON, for checking many documents fast. `false` means "not
 * certain": the document may still be valid, and only `validateJson` says.
 */
export function isCertainlyCleanJson(schema: DescMessage, text: string): boolean {
  return validJsonResult(schema, text) !== undefined;
}
