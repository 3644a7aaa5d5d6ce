import { MessageRulesSchema, type MessageRules } from "../../../gen/validate/validate_pb.js";
import type { StringLengths } from "../../wire/plan.js";
import type { ValueCheck } from "../context.js";
import { setRuleNames, unsupportedRule, type RuleSite } from "./rule-fields.js";

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

/** Plans `(validate.rules).message`: `required` and `skip`. */
export function planMessageRules(rules: MessageRules, site: RuleSite): MessageRulesPlan {
  let required: "message.required" | undefined;
  let skip = false;
  for (const name of setRuleNames(rules, MessageRulesSchema, "message", site)) {
    switch (name) {
      case "required":
        if (rules.required) required = "message.required";
        break;
      case "skip":
        skip = rules.skip;
        break;
      default:
        throw unsupportedRule(site, `message.${name}`);
    }
  }
  return { required, skip };
}
