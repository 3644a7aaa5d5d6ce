import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { outlineRules, planValidator, type MessageValidator } from "./planner.js";
import { wirePlan, type WireField, type WireMapEntry, type WirePlan } from "./wire-plan.js";

/**
 * What {@link isCertainlyCleanBinary} needs to know about one field: the wire
 * facts of its {@link WireField}, and the plan to descend with.
 */
export interface CleanField {
  readonly wireType: WireType;
  /** A repeated numeric field, which may also arrive packed (length-delimited). */
  readonly packedElementSize: 0 | 4 | 8 | undefined;
  /** Index among the singular fields; -1 for lists and maps. */
  readonly slot: number;
  /** Bitmask of the slots of the other members of the field's oneof, 0 if none. */
  readonly oneofSiblings: number;
  /** Whether the decoder rejects invalid UTF-8 in this string field. */
  readonly utf8: boolean;
  /** The plan of the field's message, of its elements or of its map values. */
  readonly child: CleanPlan | undefined;
  /**
   * The key and value of a map field's entries, as the wire scan knows them;
   * string keys may spell `__proto__`, which validateBinary reports whatever
   * the value type (see `isPrototypeKey`).
   */
  readonly map: WireMapEntry | undefined;
}

/**
 * The plan of one message type for the clean verdict. Three ways to treat
 * the rules of a type:
 *
 * - none (`validator` unset, no required slots): the type carries no rule,
 *   or an ancestor's decoded validation already covers it; the wire is
 *   scanned only;
 * - presence (`requiredSlots`, `requiredOneofs`): every rule of the type
 *   itself asks only that a field be set, which the scan sees; its fields
 *   descend with their own plans;
 * - decoded (`validator` set): the message alone is decoded with
 *   `fromBinary` and validated by the planned validator.
 */
export interface CleanPlan {
  readonly schema: DescMessage;
  /** Fields by number for small numbers, without hashing. */
  readonly dense: readonly (CleanField | undefined)[];
  readonly sparse: ReadonlyMap<number, CleanField>;
  /** Bitmask of the slots that must be seen. */
  readonly requiredSlots: number;
  /** One bitmask per required oneof: some slot of each must be seen. */
  readonly requiredOneofs: readonly number[];
  /** Set when the message is decoded and validated as a whole. */
  readonly validator: MessageValidator | undefined;
}

const scanOnlyCache = new WeakMap<DescMessage, CleanPlan>();
const withRulesCache = new WeakMap<DescMessage, CleanPlan>();

/**
 * The plan that checks `schema`'s rules (and those of what it contains),
 * cached per descriptor. Throws a `PlanError` as `planValidator` does.
 */
export function cleanPlan(schema: DescMessage): CleanPlan {
  const cached = withRulesCache.get(schema);
  if (cached !== undefined) return cached;
  const outline = outlineRules(schema);
  if (!outline.active) {
    const plan = scanOnlyPlan(schema);
    withRulesCache.set(schema, plan);
    return plan;
  }
  const wire = wirePlan(schema);
  const slotOf = (field: DescField) => wireField(wire, field.number).slot;
  const requiredFieldSlots = outline.requiredFields.map(slotOf);
  const requiredOneofSlots = outline.requiredOneofs.map((oneof) => oneof.fields.map(slotOf));
  // Presence is read from a 31-bit mask, and map values have no one-to-one
  // relation with the wire (a repeated key keeps the last entry, an entry
  // without value decodes to an empty message): both are left to the decoder.
  const decoded =
    !outline.onlyPresence ||
    [...requiredFieldSlots, ...requiredOneofSlots.flat()].some((slot) => slot < 0 || slot >= 31) ||
    outline.descendsInto.some((field) => field.fieldKind === "map");
  if (decoded) {
    const plan = buildPlan(wire, () => scanOnlyPlan, 0, [], planValidator(schema));
    withRulesCache.set(schema, plan);
    return plan;
  }
  const descends = new Set(outline.descendsInto.map((f) => f.number));
  const mask = (slots: readonly number[]) => slots.reduce((m, slot) => m | (1 << slot), 0);
  return buildPlan(
    wire,
    (field) => (descends.has(field.number) ? cleanPlan : scanOnlyPlan),
    mask(requiredFieldSlots),
    requiredOneofSlots.map(mask),
    undefined,
    withRulesCache,
  );
}

/** The plan that only scans the wire of `schema` and what it contains. */
function scanOnlyPlan(schema: DescMessage): CleanPlan {
  const cached = scanOnlyCache.get(schema);
  if (cached !== undefined) return cached;
  return buildPlan(wirePlan(schema), () => scanOnlyPlan, 0, [], undefined, scanOnlyCache);
}

/**
 * Builds a plan; with a `cache`, the plan is stored there before its fields
 * are planned, so that recursive types (Struct, Value) terminate. `descend`
 * chooses how the plan of each message-typed field's type is made.
 */
function buildPlan(
  wire: WirePlan,
  descend: (field: WireField) => (schema: DescMessage) => CleanPlan,
  requiredSlots: number,
  requiredOneofs: readonly number[],
  validator: MessageValidator | undefined,
  cache?: WeakMap<DescMessage, CleanPlan>,
): CleanPlan {
  const dense: (CleanField | undefined)[] = [];
  const sparse = new Map<number, CleanField>();
  const plan: CleanPlan = { schema: wire.schema, dense, sparse, requiredSlots, requiredOneofs, validator };
  cache?.set(wire.schema, plan);
  const fields = [...wire.dense.filter((f): f is WireField => f !== undefined), ...wire.sparse.values()];
  for (const field of fields) {
    const child = field.child === undefined ? undefined : descend(field)(field.child.schema);
    const planned: CleanField = {
      wireType: field.wireType,
      packedElementSize: field.packedElementSize,
      slot: field.slot,
      oneofSiblings: field.oneofSiblings,
      utf8: field.utf8,
      child,
      map: field.map,
    };
    if (field.number < wire.dense.length) dense[field.number] = planned;
    else sparse.set(field.number, planned);
  }
  return plan;
}

function wireField(wire: WirePlan, number: number): WireField {
  return (number < wire.dense.length ? wire.dense[number] : wire.sparse.get(number))!;
}
