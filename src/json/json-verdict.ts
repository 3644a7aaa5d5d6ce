import type { StringLengths } from "../wire/plan.js";
import { isDigit } from "./json-tokens.js";
import { isPaddedBase64, WellKnownTokens } from "./well-known-tokens.js";
import { MessageForm, ValueForm, type JsonFieldPlan, type JsonMessagePlan } from "./json-plan.js";

/**
 * The verdict walk over JSON text: one pass of a tokenizer driven by the
 * type's plan, that answers whether `validateJson` would certainly find
 * nothing, without building the parsed value or the message.
 *
 * It reads the JSON grammar as `JSON.parse` does, and at once the proto3
 * JSON mapping as protoc and protobuf-es agree on it, in a narrow,
 * unambiguous subset: each field under one name and never `null` (but a
 * `Value`), strings, booleans and 32-bit integers as JSON natives, 64-bit
 * integers as decimal strings or integers of at most 15 digits, enum values
 * by name, bytes as padded base64, timestamps in UTC with `Z`, durations in
 * canonical form, `Struct`, `Value` and `ListValue` as plain JSON. Keys are
 * compared with the plan's names in the text; numbers, string lengths (in
 * code points and UTF-8 bytes) and lone surrogates are checked in place.
 * Then the rules of the wire plan (presence, oneofs, lengths, value tests,
 * list counts) run on what was read; a value is built only for a rule that
 * tests one. Anything else (a syntax error, a repeated or `__proto__` key,
 * an escape in a key, an `Any`, a wrapper, nesting near the limit, an
 * integer beyond 2^53, a lone surrogate, a broken rule) ends the walk with
 * {@link JsonVerdict.Undecided}: the full path then finds and places it.
 */
export enum JsonVerdict {
  /** Not certain: the full path decides. */
  Undecided,
  /** Certainly valid: encoding and rules. */
  Valid,
  /** The encoding is certainly clean and every field rule holds, but a type met has relations between fields (the trace checks), which need the message. */
  ValidEncoding,
}

/** Walks `text` as a JSON document of `plan`'s type; `context` is passed to the rules' value tests. */
export function jsonVerdict(text: string, plan: JsonMessagePlan, maxDepth: number, context: unknown): JsonVerdict {
  const walk = new VerdictWalk(text, maxDepth, context);
  try {
    walk.space();
    walk.message(plan, 1);
    walk.space();
    if (walk.i !== text.length) return JsonVerdict.Undecided;
  } catch (error) {
    if (error === UNSURE) return JsonVerdict.Undecided;
    throw error;
  }
  return walk.relations ? JsonVerdict.ValidEncoding : JsonVerdict.Valid;
}

class Unsure {}
const UNSURE = new Unsure();

const FLOAT_MAX = 3.4028234663852886e38;
/** Keys of one free-form object compared pairwise (no Set): beyond this, the full path decides. */
const MAX_FREE_KEYS = 256;

class VerdictWalk extends WellKnownTokens {
  /** Whether a message with relations between its fields was read. */
  relations = false;
  /** Element counts of list fields with a count rule, one frame per open message. */
  private readonly counts: number[] = [];
  private countTop = 0;
  /** The keys of the open free-form objects and maps, as text spans, for finding a repeated key. */
  private readonly keyStarts: number[] = [];
  private readonly keyEnds: number[] = [];
  private keyTop = 0;

  constructor(
    text: string,
    private readonly maxDepth: number,
    private readonly context: unknown,
  ) {
    super(text);
  }

  /** Anything the walk cannot prove is left to the full path, which finds and places it. */
  protected fail(): never {
    throw UNSURE;
  }

  protected loneSurrogate(): void {
    throw UNSURE;
  }

  /** A message value of any form; `depth` counts the messages open, this one included. */
  message(plan: JsonMessagePlan, depth: number, keep = false): void {
    if (depth >= this.maxDepth) throw UNSURE;
    switch (plan.form) {
      case MessageForm.Fields:
        return this.fields(plan, depth);
      case MessageForm.Timestamp:
        return this.timestamp(keep);
      case MessageForm.Duration:
        return this.duration();
      case MessageForm.Struct:
        if (this.text.charCodeAt(this.i) !== 0x7b) throw UNSURE;
        return this.free(depth);
      case MessageForm.ListValue:
        if (this.text.charCodeAt(this.i) !== 0x5b) throw UNSURE;
        return this.free(depth);
      case MessageForm.Value:
        return this.free(depth);
      case MessageForm.Empty:
        if (!this.opens(0x7b, 0x7d)) throw UNSURE;
        return;
      default:
        throw UNSURE;
    }
  }

  /** An object of fields, then the message's rules. */
  private fields(plan: JsonMessagePlan, depth: number): void {
    const wire = plan.wire;
    if (wire.undecidable) throw UNSURE;
    const rules = wire.rules;
    if (rules !== undefined && rules.relations.length > 0) this.relations = true;
    const countBase = this.countTop;
    const counted = plan.counted;
    for (let k = 0; k < counted.length; k++) this.counts[countBase + k] = 0;
    this.countTop = countBase + counted.length;
    let given = 0;
    let givenHigh = 0;
    let seen = 0;
    if (!this.opens(0x7b, 0x7d)) {
      const text = this.text;
      let hint = 0;
      for (;;) {
        const k = this.key(plan, hint);
        hint = k + 1;
        const field = plan.fieldOfKey[k]!;
        const index = field.index;
        if (index < 31) {
          if ((given & (1 << index)) !== 0) throw UNSURE;
          given |= 1 << index;
        } else {
          if (index >= 62 || (givenHigh & (1 << (index - 31))) !== 0) throw UNSURE;
          givenHigh |= 1 << (index - 31);
        }
        this.space();
        if (text.charCodeAt(this.i++) !== 0x3a) throw UNSURE;
        this.space();
        const slot = field.wire.slot;
        if (slot >= 0) {
          if (slot >= 31) {
            if (field.wire.oneofIndex >= 0) throw UNSURE;
          } else {
            // Two members of one oneof: oneof.multiple, for the full path to report.
            if ((seen & field.wire.oneofSiblings) !== 0) throw UNSURE;
            seen |= 1 << slot;
          }
        }
        this.field(field, depth, countBase);
        if (this.closes(0x7d)) break;
      }
    }
    if (rules !== undefined) {
      if ((seen & wire.requiredSlots) !== wire.requiredSlots) throw UNSURE;
      for (const mask of wire.requiredOneofs) if ((seen & mask) === 0) throw UNSURE;
      for (let k = 0; k < counted.length; k++) if (!counted[k]!.wire.rules!.count!(this.counts[countBase + k]!)) throw UNSURE;
    }
    this.countTop = countBase;
  }

  /**
   * The key at `i` of an object of fields, as an index into the plan's keys:
   * compared in the text with each name (names hold no quote or backslash,
   * so a name followed by the closing quote is the whole key), starting
   * with `hint`, the key after the previous one. An escaped or unknown key
   * is left to the full path.
   */
  private key(plan: JsonMessagePlan, hint: number): number {
    const text = this.text;
    const start = this.i + 1;
    if (text.charCodeAt(this.i) !== 0x22) throw UNSURE;
    const keys = plan.keys;
    const n = keys.length;
    for (let tried = 0, k = hint < n ? hint : 0; tried < n; tried++, k = k + 1 < n ? k + 1 : 0) {
      const key = keys[k]!;
      const length = key.length;
      let j = 0;
      while (j < length && key.charCodeAt(j) === text.charCodeAt(start + j)) j++;
      if (j === length && text.charCodeAt(start + length) === 0x22) {
        this.i = start + length + 1;
        return k;
      }
    }
    throw UNSURE;
  }

  /** The value of a field (never null, but for a `Value`). */
  private field(field: JsonFieldPlan, depth: number, countBase: number): void {
    const wire = field.wire;
    if (wire.map !== undefined) return this.map(field, depth);
    if (!wire.list) return this.value(field, depth + 1);
    if (depth + 1 >= this.maxDepth) throw UNSURE;
    if (this.opens(0x5b, 0x5d)) return;
    let count = 0;
    for (;;) {
      this.value(field, depth + 2);
      count++;
      if (this.closes(0x5d)) break;
    }
    if (field.countIndex >= 0) this.counts[countBase + field.countIndex] = count;
  }

  /** A map with string keys (other key types have a text form of their own, left to the full path). */
  private map(field: JsonFieldPlan, depth: number): void {
    const wire = field.wire;
    if (wire.map!.keyScalar !== 9 /* ScalarType.STRING */ || wire.rules?.value !== undefined || field.countIndex >= 0 || depth + 1 >= this.maxDepth) throw UNSURE;
    if (this.opens(0x7b, 0x7d)) return;
    const keyBase = this.keyTop;
    for (;;) {
      this.freeKey(keyBase);
      this.value(field, depth + 2);
      if (this.closes(0x7d)) break;
    }
    this.keyTop = keyBase;
  }

  /** One value of a field (singular, an element or a map value), with its value rule. */
  private value(field: JsonFieldPlan, depth: number): void {
    const text = this.text;
    const start = this.i;
    const c = text.charCodeAt(start);
    const rule = field.wire.rules?.value;
    switch (field.form) {
      case ValueForm.Message: {
        const child = field.child!;
        const singular = !field.wire.list && field.wire.map === undefined;
        // A list or map of Struct is held differently by protobuf-es; a null is a Value's only.
        if (!singular && child.form === MessageForm.Struct) throw UNSURE;
        if (c === 0x6e /* n */) {
          if (!singular || child.form !== MessageForm.Value || depth >= this.maxDepth) throw UNSURE;
          this.literal("null");
        } else {
          this.message(child, depth, rule?.test !== undefined);
        }
        if (rule?.test !== undefined) {
          const form = child.form;
          if (form !== MessageForm.Timestamp && form !== MessageForm.Duration) throw UNSURE;
          const typeName = form === MessageForm.Timestamp ? "google.protobuf.Timestamp" : "google.protobuf.Duration";
          if (!rule.test({ $typeName: typeName, seconds: BigInt(this.seconds), nanos: this.nanos }, this.context)) throw UNSURE;
        }
        return;
      }
      case ValueForm.String:
        if (c !== 0x22) throw UNSURE;
        this.string();
        if (rule !== undefined) {
          if (rule.lengths !== undefined) {
            if (!this.lengthsHold(rule.lengths)) throw UNSURE;
          } else if (rule.test !== undefined && !rule.test(this.escaped ? (JSON.parse(text.slice(start, this.i)) as string) : text.slice(this.strStart, this.strEnd), this.context)) {
            throw UNSURE;
          }
        }
        return;
      case ValueForm.Bool:
        this.literal(c === 0x74 ? "true" : "false");
        if (rule?.test !== undefined && !rule.test(c === 0x74, this.context)) throw UNSURE;
        return;
      case ValueForm.Int32:
      case ValueForm.Uint32: {
        this.number();
        const n = this.num;
        const signed = field.form === ValueForm.Int32;
        if (!this.integral || this.digits > 10 || (signed ? n < -2147483648 || n > 2147483647 : text.charCodeAt(start) === 0x2d || n > 4294967295)) throw UNSURE;
        if (rule?.test !== undefined && !rule.test(n, this.context)) throw UNSURE;
        return;
      }
      case ValueForm.Int64:
      case ValueForm.Uint64: {
        const signed = field.form === ValueForm.Int64;
        let digitsStart = start;
        if (c === 0x22) {
          // A decimal string: 0, or up to 18 digits (always within 64 bits), without a sign for unsigned.
          this.string();
          digitsStart = this.strStart;
          const from = signed && text.charCodeAt(digitsStart) === 0x2d ? digitsStart + 1 : digitsStart;
          const count = this.strEnd - from;
          if (this.escaped || count < 1 || count > 18 || (text.charCodeAt(from) === 0x30 && (count > 1 || from > digitsStart))) throw UNSURE;
          for (let j = from; j < this.strEnd; j++) if (!isDigit(text.charCodeAt(j))) throw UNSURE;
          if (rule?.test !== undefined && !rule.test(BigInt(text.slice(digitsStart, this.strEnd)), this.context)) throw UNSURE;
          return;
        }
        this.number();
        if (!this.integral || this.digits > 15 || (!signed && c === 0x2d)) throw UNSURE;
        if (rule?.test !== undefined && !rule.test(BigInt(this.num), this.context)) throw UNSURE;
        return;
      }
      case ValueForm.Float:
      case ValueForm.Double: {
        this.number();
        let n = this.num;
        if (!this.integral || this.digits > 15) {
          n = Number(text.slice(start, this.i));
          if (!Number.isFinite(n) || (field.form === ValueForm.Float && Math.abs(n) > FLOAT_MAX)) throw UNSURE;
        }
        if (rule?.test !== undefined && !rule.test(n, this.context)) throw UNSURE;
        return;
      }
      case ValueForm.Bytes:
        if (c !== 0x22) throw UNSURE;
        this.string();
        // (A bytes field with a rule that reads its value is planned as undecided.)
        if (this.escaped || !isPaddedBase64(text, this.strStart, this.strEnd)) throw UNSURE;
        return;
      case ValueForm.Enum: {
        if (c !== 0x22) throw UNSURE;
        this.string();
        const names = field.enumNames;
        const length = this.strEnd - this.strStart;
        let k = 0;
        while (k < names.length && !(names[k]!.length === length && text.startsWith(names[k]!, this.strStart))) k++;
        if (this.escaped || k === names.length) throw UNSURE;
        if (rule?.test !== undefined && !rule.test(field.enumNumbers[k], this.context)) throw UNSURE;
        return;
      }
      default:
        throw UNSURE;
    }
  }

  private lengthsHold(lengths: StringLengths): boolean {
    const bytes = this.bytes;
    if (bytes === 0 && lengths.ignoreEmpty) return true;
    return bytes >= lengths.minBytes && bytes <= lengths.maxBytes && this.chars >= lengths.minChars && this.chars <= lengths.maxChars;
  }

  /** Free-form JSON (Struct, Value, ListValue): no repeated or `__proto__` key, no lone surrogate, finite numbers, no integer beyond 2^53. */
  private free(depth: number): void {
    if (depth >= this.maxDepth) throw UNSURE;
    const text = this.text;
    const c = text.charCodeAt(this.i);
    if (c === 0x7b) {
      if (this.opens(0x7b, 0x7d)) return;
      const keyBase = this.keyTop;
      for (;;) {
        this.freeKey(keyBase);
        this.free(depth + 1);
        if (this.closes(0x7d)) break;
      }
      this.keyTop = keyBase;
    } else if (c === 0x5b) {
      if (this.opens(0x5b, 0x5d)) return;
      for (;;) {
        this.free(depth + 1);
        if (this.closes(0x5d)) break;
      }
    } else if (c === 0x22) {
      this.string();
    } else if (c === 0x74) {
      this.literal("true");
    } else if (c === 0x66) {
      this.literal("false");
    } else if (c === 0x6e) {
      this.literal("null");
    } else {
      const start = this.i;
      this.number();
      if (this.digits > 15 || !this.integral) {
        const n = Number(text.slice(start, this.i));
        if (!Number.isFinite(n) || (this.integral && !Number.isSafeInteger(n))) throw UNSURE;
      }
    }
  }

  /** A key of a map or a free-form object, then its `:`: not escaped, not `__proto__`, not repeated. */
  private freeKey(keyBase: number): void {
    const text = this.text;
    if (text.charCodeAt(this.i) !== 0x22) throw UNSURE;
    this.string();
    const start = this.strStart;
    const length = this.strEnd - start;
    if (this.escaped || (length === 9 && text.startsWith("__proto__", start)) || this.keyTop - keyBase >= MAX_FREE_KEYS) throw UNSURE;
    const starts = this.keyStarts;
    const ends = this.keyEnds;
    for (let k = keyBase; k < this.keyTop; k++) {
      const other = starts[k]!;
      if (ends[k]! - other !== length) continue;
      let j = 0;
      while (j < length && text.charCodeAt(other + j) === text.charCodeAt(start + j)) j++;
      if (j === length) throw UNSURE;
    }
    starts[this.keyTop] = start;
    ends[this.keyTop] = this.strEnd;
    this.keyTop++;
    this.space();
    if (text.charCodeAt(this.i++) !== 0x3a) throw UNSURE;
    this.space();
  }
}
