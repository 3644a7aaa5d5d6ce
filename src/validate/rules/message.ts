import { MessageRulesSchema, type MessageRules } from "../../../gen/validate/validate_pb.js";
import type { StringLengths } from "../../wire/plan.js";
import type { ValueCheck } from "../context.js";
import { setRuleNames, unsupportedRule, type RuleSite } from "./rule-fields.js";

/** A presence rule of a message-typed field: `message.required`, `timestamp.required`, ... */
export interface RequiredRule {
  readonly ruleId: string;
  readonly message: string;
}

/** What a rule family for message-typed fields (any, duration, timestamp) plans. */
export interface MessageFamilyPlan {
  /** Set when the field must be present. */
  readonly required: RequiredRule | undefined;
  /** The checks of a present value. */
  readonly check: ValueCheck | undefined;
  /** For strings whose only rules are lengths: the bounds, for the wire walk. */
  readonly lengths?: StringLengths | undefined;
}

/** What `(validate.rules).message` asks of a field. */
export interface MessageRulesPlan {
  /** `message.required`: the field must be set, even to an all-default message. */
  readonly required: RequiredRule | undefined;
  /** `message.skip`: do not validate the field's own content. */
  readonly skip: boolean;
}

/** Plans `(validate.rules).message`: `required` and `skip`. */
export function planMessageRules(rules: MessageRules, site: RuleSite): MessageRulesPlan {
  let required: RequiredRule | undefined;
  let skip = false;
  for (const name of setRuleNames(rules, MessageRulesSchema, "message", site)) {
    switch (name) {
      case "required":
        if (rules.required) required = { ruleId: "message.required", message: "value is required" };
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
