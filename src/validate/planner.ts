import { create, getOption, hasOption, ScalarType, type DescField, type DescMessage, type DescOneof } from "@bufbuild/protobuf";
import {
  disabled as disabledOption,
  ignored as ignoredOption,
  required as oneofRequiredOption,
  rules as rulesOption,
  type FieldRules,
} from "../../gen/validate/validate_pb.js";
import { EvalContext, type ValueCheck } from "./context.js";
import type { FieldRules as WireFieldRules, RuleSource, StringLengths, TypeRules } from "../wire/plan.js";
import { relationInputsOf, relationsOf, type MessageRelation } from "./rules/trace.js";
import { MapKeySegment } from "../fault/path.js";
import { planMessageRules, type MessageFamilyPlan, type MessageRulesPlan } from "./rules/message.js";
import { oneofMessage } from "./rules/oneof.js";
import { planRepeatedRules } from "./rules/repeated.js";
import { fieldFullName, type RuleSite } from "./rules/rule-fields.js";
import { accessor, describeField, elementType, type Fields } from "./field-kinds.js";
import { misplacedFamily, planTypeRules } from "./type-rules.js";

type FieldEvaluator = (message: Fields, ctx: EvalContext) => void;

/** One planned step of a message: a field's rules, a oneof rule, or a recursion into contained messages. */
interface PlannedStep {
  readonly run: FieldEvaluator;
  /** Whether the step checks a rule itself, rather than only recursing into `child`. */
  readonly ownRule: boolean;
  /** The field or oneof the step is about. */
  readonly subject: DescField | DescOneof;
  readonly child: PlannedMessage | undefined;
  /** The step's rules in the terms the wire walk checks them (see {@link wireRules}). */
  readonly facts: StepFacts;
}

/** What a step checks, apart from recursing into `child`. */
interface StepFacts {
  /** The field or oneof must be set. */
  readonly required: boolean;
  /** The check of a set value (of each element, for lists). */
  readonly check?: ValueCheck | undefined;
  /** For strings: the check's bounds when it only checks lengths. */
  readonly lengths?: StringLengths | undefined;
  /** The check of a whole list, `ignore_empty` applied; `countOnly` when it reads nothing but the length. */
  readonly listCheck?: ((list: readonly unknown[], ctx: EvalContext) => void) | undefined;
  readonly countOnly?: boolean;
}

/**
 * The planned validator of one message type: built once from the type's
 * descriptors and cached, then run on any number of messages.
 */
class PlannedMessage {
  /**
   * Whether this type or any type it contains carries a rule. Validating a
   * message of an inactive type does nothing, so parents do not recurse into
   * it (a Timestamp, the bytes of a tap event).
   */
  active = false;
  steps: PlannedStep[] = [];
  relations: readonly MessageRelation[] = [];
  private evaluators: FieldEvaluator[] = [];

  constructor(readonly schema: DescMessage) {}

  /** Keeps only the steps that can report something, once every `active` flag is known. */
  finish(): void {
    this.evaluators = this.steps.filter((s) => s.ownRule || s.child?.active === true).map((s) => s.run);
    for (const relation of this.relations) this.evaluators.push((m, ctx) => relation.evaluate(m, ctx));
  }

  /** Validates `message`, reporting into `ctx` at `ctx.path`. */
  evaluate(message: object, ctx: EvalContext): void {
    const evaluators = this.evaluators;
    for (let i = 0; i < evaluators.length; i++) {
      evaluators[i]!(message as Fields, ctx);
      if (ctx.stopped) return;
    }
  }
}

const cache = new WeakMap<DescMessage, PlannedMessage>();

/**
 * Plans (once per type, cached by descriptor) the validator of `schema` and
 * of every message type reachable from it. Throws a `PlanError` when a rule
 * cannot be honoured; a failed plan is not cached, so every later call throws
 * the same error.
 */
export function planValidator(schema: DescMessage): PlannedMessage {
  const cached = cache.get(schema);
  if (cached !== undefined) return cached;
  const created: PlannedMessage[] = [];
  try {
    const root = planMessage(schema, created);
    // A type is active when it has its own rules or contains an active type;
    // recursive types (Struct, Value) need the fixed point.
    for (const plan of created) plan.active = plan.relations.length > 0 || plan.steps.some((s) => s.ownRule);
    let changed = true;
    while (changed) {
      changed = false;
      for (const plan of created) {
        if (!plan.active && plan.steps.some((s) => s.child?.active === true)) {
          plan.active = true;
          changed = true;
        }
      }
    }
    for (const plan of created) plan.finish();
    return root;
  } catch (error) {
    for (const plan of created) cache.delete(plan.schema);
    throw error;
  }
}

/**
 * The planned rules as the wire walk checks them (`src/wire/`): presence,
 * required oneofs, each value's check (string lengths from the bytes), list
 * counts, relations and the fields that feed them, and where to descend. The checks are the planned ones,
 * run with the walk's `EvalContext`; nothing is planned twice.
 */
export const wireRules: RuleSource = {
  rulesOf(schema: DescMessage): TypeRules | undefined {
    const plan = planValidator(schema);
    const inputs = relationInputsOf(schema);
    if (!plan.active && inputs === undefined) return undefined;
    const fields = new Map<number, WireFieldRules>();
    const requiredOneofs: number[][] = [];
    for (const step of plan.steps) {
      const { subject, facts } = step;
      if (subject.kind === "oneof") {
        if (facts.required) requiredOneofs.push(subject.fields.map((f) => f.number));
        continue;
      }
      const listCheck = facts.listCheck;
      // An absent scalar without presence reads as its zero value, which the check may refuse: then it must be on the wire.
      const zeroRefused =
        (subject.fieldKind === "scalar" || subject.fieldKind === "enum") &&
        facts.check !== undefined &&
        accessor(subject)(create(schema) as Fields) !== undefined &&
        !passes(facts.check)(accessor(subject)(create(schema) as Fields), undefined);
      fields.set(subject.number, {
        required: facts.required || zeroRefused,
        descends: step.child?.active === true || (step.child !== undefined && relationInputsOf(step.child.schema) !== undefined),
        value: facts.check === undefined ? undefined : { lengths: facts.lengths, test: facts.lengths === undefined ? passes(facts.check) : undefined },
        count:
          listCheck === undefined
            ? undefined
            : (count) => (count > 1 && facts.countOnly !== true ? false : passes(listCheck as ValueCheck)({ length: count }, undefined)),
        input: -1,
      });
    }
    for (const [number, input] of inputs ?? []) fields.set(number, { required: false, descends: false, value: undefined, count: undefined, ...fields.get(number), input });
    return { fields, requiredOneofs, relations: plan.relations.map((r) => r.wire) };
  },
};

/** A check as the wire walk tests values: with the walk's context (an `EvalContext`), true when it reports nothing. */
function passes(check: ValueCheck): (value: unknown, context: unknown) => boolean {
  return (value, context) => {
    const ctx = (context ?? new EvalContext({ failFast: true })) as EvalContext;
    const before = ctx.violations.length;
    check(value, ctx);
    return ctx.violations.length === before;
  };
}

function planMessage(schema: DescMessage, created: PlannedMessage[]): PlannedMessage {
  const cached = cache.get(schema);
  if (cached !== undefined) return cached;
  const plan = new PlannedMessage(schema);
  cache.set(schema, plan);
  created.push(plan);
  // `disabled` skips every rule of the message and of what it contains;
  // `ignored` tells generators to emit no validator at all, which has the
  // same effect when the message is reached from a parent.
  if ([disabledOption, ignoredOption].some((option) => hasOption(schema, option) && getOption(schema, option))) return plan;
  plan.relations = relationsOf(schema);
  for (const member of schema.members) {
    const steps = member.kind === "oneof" ? [planOneof(member), ...member.fields.map((f) => planField(f, created))] : [planField(member, created)];
    for (const step of steps) if (step !== undefined) plan.steps.push(step);
  }
  return plan;
}

function planOneof(oneof: DescOneof): PlannedStep | undefined {
  if (!hasOption(oneof, oneofRequiredOption) || !getOption(oneof, oneofRequiredOption)) return undefined;
  const localName = oneof.localName;
  const name = oneof.name;
  const message = oneofMessage("oneof.required", oneof);
  return {
    ownRule: true,
    subject: oneof,
    child: undefined,
    facts: { required: true },
    run: (m, ctx) => {
      if ((m[localName] as { case: string | undefined }).case !== undefined) return;
      ctx.path.push(name);
      ctx.report("oneof.required", message);
      ctx.path.pop();
    },
  };
}

function planField(field: DescField, created: PlannedMessage[]): PlannedStep | undefined {
  const site: RuleSite = { field: fieldFullName(field), target: describeField(field) };
  const rules = hasOption(field, rulesOption) ? getOption(field, rulesOption) : undefined;
  const messageRules = rules && planMessageRules(rules, "field", site, { required: field.fieldKind === "message", skip: field.message !== undefined });
  switch (field.fieldKind) {
    case "scalar":
    case "enum":
      return planSingular(field, [], planTypeRules(rules?.type, field, site), undefined);
    case "message": {
      const typed = planTypeRules(rules?.type, field, site);
      // protoc-gen-validate checks a oneof's members only inside the case of the
      // member that is set, so a presence rule on a member never fires: an unset
      // member is not missing, it is simply not the one chosen.
      const required = field.oneof !== undefined ? [] : [messageRules?.required, typed.required].filter((r): r is string => r !== undefined);
      return planSingular(field, required, typed, messageRules?.skip === true ? undefined : planMessage(field.message, created));
    }
    case "list":
      return planListField(field, rules, messageRules, site, created);
    case "map":
      return planMapField(field, rules, messageRules, site, created);
  }
}

/** A field with one value (scalar, enum or message): its presence rules, the check of a set value, and the recursion into a message. */
function planSingular(field: DescField, required: readonly string[], { check, lengths }: MessageFamilyPlan, child: PlannedMessage | undefined): PlannedStep | undefined {
  const ownRule = required.length > 0 || check !== undefined;
  if (!ownRule && child === undefined) return undefined;
  const get = accessor(field);
  const name = field.name;
  return {
    ownRule,
    subject: field,
    child,
    facts: { required: required.length > 0, check, lengths },
    run: (m, ctx) => {
      const value = get(m);
      if (value === undefined) {
        if (required.length === 0) return;
        ctx.path.push(name);
        for (const ruleId of required) ctx.report(ruleId, "value is required");
        ctx.path.pop();
        return;
      }
      if (check === undefined && child?.active !== true) return;
      ctx.path.push(name);
      if (check !== undefined) check(value, ctx);
      if (child?.active === true && !ctx.stopped) child.evaluate(value as object, ctx);
      ctx.path.pop();
    },
  };
}

function planListField(
  field: DescField & { fieldKind: "list" },
  rules: FieldRules | undefined,
  messageRules: MessageRulesPlan | undefined,
  site: RuleSite,
  created: PlannedMessage[],
): PlannedStep | undefined {
  const isMessageList = field.listKind === "message";
  const type = rules?.type;
  if (type !== undefined && type.case !== undefined && type.case !== "repeated") throw misplacedFamily(type, site);
  const repeated =
    type?.case === "repeated"
      ? planRepeatedRules(type.value, field.listKind, field.listKind === "scalar" ? field.scalar : undefined, site)
      : undefined;

  const itemSite: RuleSite = { field: site.field, target: `the items of a repeated field (${elementType(field)})` };
  let itemCheck: ValueCheck | undefined;
  let itemLengths: StringLengths | undefined;
  let skipItems = messageRules?.skip === true;
  if (repeated?.items !== undefined) {
    const items = repeated.items;
    if (planMessageRules(items, "repeated.items", itemSite, { required: isMessageList, skip: isMessageList }).skip) skipItems = true;
    // A presence rule on the elements (items.message.required, as Envoy
    // writes it, or items.timestamp.required) always holds: unlike a Go
    // slice, a list here never holds an unset element.
    const itemPlan = planTypeRules(items.type, field, itemSite);
    itemCheck = itemPlan.check;
    itemLengths = itemPlan.lengths;
  }
  const child = isMessageList && !skipItems ? planMessage(field.message, created) : undefined;
  const listCheck = repeated?.check;
  const ignoreEmpty = repeated?.ignoreEmpty === true;
  const ownRule = listCheck !== undefined || itemCheck !== undefined;
  if (!ownRule && child === undefined) return undefined;
  const localName = field.localName;
  const name = field.name;
  return {
    ownRule,
    subject: field,
    child,
    facts: {
      required: false,
      check: itemCheck,
      lengths: itemLengths,
      listCheck:
        listCheck === undefined ? undefined : (list, ctx) => (list.length === 0 && ignoreEmpty ? undefined : listCheck(list, ctx)),
      countOnly: repeated?.countOnly ?? true,
    },
    run: (m, ctx) => {
      const list = m[localName] as readonly unknown[];
      if (list.length === 0 && (ignoreEmpty || listCheck === undefined)) return;
      const path = ctx.path;
      path.push(name);
      if (listCheck !== undefined) listCheck(list, ctx);
      const recurse = child?.active === true;
      if (!ctx.stopped && (itemCheck !== undefined || recurse)) {
        const top = path.length;
        path.push(0);
        for (let i = 0; i < list.length; i++) {
          path[top] = i;
          const element = list[i];
          if (itemCheck !== undefined) itemCheck(element, ctx);
          if (recurse && !ctx.stopped) child.evaluate(element as object, ctx);
          if (ctx.stopped) break;
        }
        path.pop();
      }
      path.pop();
    },
  };
}

function planMapField(
  field: DescField & { fieldKind: "map" },
  rules: FieldRules | undefined,
  messageRules: MessageRulesPlan | undefined,
  site: RuleSite,
  created: PlannedMessage[],
): PlannedStep | undefined {
  // This package's validate.proto declares no MapRules; any type rule on a map is unsupported.
  const type = rules?.type;
  if (type !== undefined && type.case !== undefined) throw misplacedFamily(type, site);
  if (field.mapKind !== "message" || messageRules?.skip === true) return undefined;
  const child = planMessage(field.message, created);
  const localName = field.localName;
  const name = field.name;
  const quoted = field.mapKey === ScalarType.STRING;
  return {
    ownRule: false,
    subject: field,
    child,
    facts: { required: false },
    run: (m, ctx) => {
      const map = m[localName] as Record<string, object>;
      const path = ctx.path;
      path.push(name);
      const top = path.length;
      path.push("");
      for (const key in map) {
        path[top] = new MapKeySegment(key, quoted);
        child.evaluate(map[key]!, ctx);
        if (ctx.stopped) break;
      }
      path.pop();
      path.pop();
    },
  };
}
