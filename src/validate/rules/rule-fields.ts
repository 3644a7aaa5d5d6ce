import { isFieldSet, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { PlanError } from "../plan-error.js";

/** Where a rule is being planned: for error messages. */
export interface RuleSite {
  /** Full name of the annotated field: `envoy.config.core.v3.Pipe.path`. */
  readonly field: string;
  /** What the rule is applied to, for "does not apply to ..." errors: `a uint32 field`, `the items of a repeated int64 field`. */
  readonly target: string;
}

/** The full name of a field, as {@link RuleSite.field} expects. */
export function fieldFullName(field: DescField): string {
  return `${field.parent.typeName}.${field.name}`;
}

/**
 * The proto names of the members a rules message sets (`min_len`, `in`), in
 * declaration order. Unknown fields in the rules message are rules of the
 * complete upstream validate.proto that this package does not declare; they
 * make planning fail instead of being ignored.
 */
export function setRuleNames(rules: Message, schema: DescMessage, family: string, site: RuleSite): string[] {
  const unknown = (rules as { $unknown?: readonly { no: number }[] }).$unknown;
  if (unknown !== undefined && unknown.length > 0) {
    const numbers = unknown.map((u) => u.no).join(", ");
    throw new PlanError(
      site.field,
      `${family} rule field ${numbers}`,
      `is not supported (it is not declared in ${schema.typeName} of this package's validate.proto)`,
    );
  }
  const names: string[] = [];
  for (const field of schema.fields) {
    // The generated types of proto2 rules messages report every member, set or
    // not; explicit presence tells `min_len: 0` apart from an absent min_len.
    if (isFieldSet(rules as never, field)) names.push(field.name);
  }
  return names;
}

/** The error for a rule set on a target it does not apply to. */
export function notApplicable(site: RuleSite, ruleId: string): PlanError {
  return new PlanError(site.field, ruleId, `does not apply to ${site.target}`);
}

/** The error for a rules member this engine has no evaluator for. */
export function unsupportedRule(site: RuleSite, ruleId: string): PlanError {
  return new PlanError(site.field, ruleId, "is not supported by this rule engine");
}
