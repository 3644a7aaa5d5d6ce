import {
  getOption,
  hasOption,
  type DescExtension,
  type DescField,
  type DescMessage,
  type DescOneof,
  type Message,
  type Registry,
} from "@bufbuild/protobuf";
import { isReflectMessage, reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";

/**
 * The `(validate.rules)` of one field as a plain tree keyed by proto field
 * names, holding only the members that are set: `{ string: { min_len: 1n } }`,
 * `{ repeated: { items: { string: { min_len: 1n } } } }`.
 *
 * The plugin cannot import the generated `validate_pb.ts` (buf wipes `gen/`
 * before it runs), so it reads the options through the extension found in the
 * request's own descriptors and turns them into this shape.
 */
export interface RuleTree {
  readonly [name: string]: RuleValue;
}

/** A value of a {@link RuleTree}: a scalar, a nested rule message, or a list. */
export type RuleValue = bigint | number | boolean | string | RuleTree | readonly RuleValue[];

/** The protoc-gen-validate extensions present in a request, by role. */
export interface ValidateExtensions {
  /** `validate.rules` on fields. */
  readonly fieldRules: DescExtension | undefined;
  /** `validate.required` on oneofs. */
  readonly oneofRequired: DescExtension | undefined;
  /** `validate.disabled` on messages. */
  readonly messageDisabled: DescExtension | undefined;
  /** `validate.ignored` on messages. */
  readonly messageIgnored: DescExtension | undefined;
}

/** Finds the protoc-gen-validate extensions by their full names. */
export function findValidateExtensions(registry: Registry): ValidateExtensions {
  return {
    fieldRules: registry.getExtension("validate.rules"),
    oneofRequired: registry.getExtension("validate.required"),
    messageDisabled: registry.getExtension("validate.disabled"),
    messageIgnored: registry.getExtension("validate.ignored"),
  };
}

/** The field's rules, or undefined when it has none (or its message disables or ignores them). */
export function fieldRuleTree(field: DescField, ext: ValidateExtensions): RuleTree | undefined {
  if (ext.fieldRules === undefined || ext.fieldRules.fieldKind !== "message") return undefined;
  if (isDisabled(field.parent, ext)) return undefined;
  if (!hasOption(field, ext.fieldRules)) return undefined;
  const value = getOption(field, ext.fieldRules) as Message;
  return toTree(reflect(ext.fieldRules.message, value));
}

/** Whether the oneof is marked `(validate.required) = true`. */
export function isOneofRequired(oneof: DescOneof, ext: ValidateExtensions): boolean {
  if (ext.oneofRequired === undefined || isDisabled(oneof.parent, ext)) return false;
  return hasOption(oneof, ext.oneofRequired) && getOption(oneof, ext.oneofRequired) === true;
}

/**
 * Whether the message's own rules are off: `disabled`, or `ignored` (no
 * validator is generated, so nothing checks the message), as the rule engine
 * reads both; a schema that stated them would refuse JSON the engine accepts.
 */
function isDisabled(message: DescMessage, ext: ValidateExtensions): boolean {
  return isTrue(message, ext.messageDisabled) || isTrue(message, ext.messageIgnored);
}

function isTrue(message: DescMessage, option: DescExtension | undefined): boolean {
  return option !== undefined && hasOption(message, option) && getOption(message, option) === true;
}

function toTree(message: ReflectMessage): RuleTree {
  const tree: Record<string, RuleValue> = {};
  for (const field of message.fields) {
    if (!message.isSet(field)) continue;
    switch (field.fieldKind) {
      case "scalar":
      case "enum":
        tree[field.name] = message.get(field) as RuleValue;
        break;
      case "message":
        tree[field.name] = toTree(message.get(field));
        break;
      case "list": {
        const items: RuleValue[] = [];
        for (const item of message.get(field)) {
          items.push(isReflectMessage(item) ? toTree(item) : (item as RuleValue));
        }
        tree[field.name] = items;
        break;
      }
      case "map":
        // protoc-gen-validate's rule messages declare no map fields.
        break;
    }
  }
  return tree;
}

/** The nested rule message `name` of a tree, if set. */
export function subTree(tree: RuleTree | undefined, name: string): RuleTree | undefined {
  const value = tree?.[name];
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as RuleTree) : undefined;
}

/** A rule value as a bigint, if it is an integer. */
export function bigintRule(tree: RuleTree | undefined, name: string): bigint | undefined {
  const value = tree?.[name];
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  return undefined;
}

/** A rule value as a boolean (false when unset). */
export function flagRule(tree: RuleTree | undefined, name: string): boolean {
  return tree?.[name] === true;
}
