import { FieldRulesSchema, MessageRulesSchema, type FieldRules } from "../../../gen/validate/validate_pb.js";
import type { StringLengths } from "../../wire/plan.js";
import type { ValueCheck } from "../context.js";
import { notApplicable, setRuleNames, unsupportedRule, type RuleSite } from "./rule-fields.js";

/** What a rule family for message-typed fields (any, duration, timestamp) plans. */
export interface MessageFamilyPlan {
  /** The rule id (`timestamp.required`) when the field must be present. */
  readonly required: string | undefined;
  /** The checks of a present value. */
  readonly check: ValueCheck | undefined;
  /** For strings whose only rules are lengths: the bounds, for the wire walk. */
  readonly lengths?: StringLengths | undefined;
}

/** What `(validate.rules).message` asks of a field. */
export interface MessageRulesPlan {
  /** `message.required`: the field must be set, even to an all-default message. */
  readonly required: "message.required" | undefined;
  /** `message.skip`: do not validate the field's own content. */
  readonly skip: boolean;
}

/**
 * Checks that `rules` (a field's rules, or a list's `items`, as `family`
 * names them) declare only known members, and plans their
 * `(validate.rules).message`: `required` and `skip`, each refused where
 * `allows` says it cannot apply (presence on a value that is never unset,
 * skip where there is no message).
 */
export function planMessageRules(rules: FieldRules, family: string, site: RuleSite, allows: { readonly required: boolean; readonly skip: boolean }): MessageRulesPlan {
  setRuleNames(rules, FieldRulesSchema, family, site);
  let required: "message.required" | undefined;
  let skip = false;
  const message = rules.message;
  for (const name of message === undefined ? [] : setRuleNames(message, MessageRulesSchema, "message", site)) {
    switch (name) {
      case "required":
        if (message!.required) required = "message.required";
        break;
      case "skip":
        skip = message!.skip;
        break;
      default:
        throw unsupportedRule(site, `message.${name}`);
    }
  }
  if (required !== undefined && !allows.required) throw notApplicable(site, "message.required");
  if (skip && !allows.skip) throw notApplicable(site, "message.skip");
  return { required, skip };
}
