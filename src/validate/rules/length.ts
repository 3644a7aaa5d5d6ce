import type { EvalContext } from "../context.js";
import { jsonSafeInteger } from "../format.js";

/** Cheap bounds on a length, from which most values are decided without counting. */
export interface LengthEstimate<V> {
  lower(value: V): number;
  upper(value: V): number;
}

/** protoc-gen-validate's words for a length rule (`min_len`, `max_bytes`, `len`): `value length must be at least 2 characters`. */
export function lengthMessage(name: string, limit: number | string, unit: "characters" | "bytes"): string {
  const bound = name.startsWith("min") ? "at least " : name.startsWith("max") ? "at most " : "";
  return `value length must be ${bound}${limit} ${unit}`;
}

/**
 * Plans one length rule of the string and bytes families (`len`, `min_len`,
 * `max_bytes`, ...; the prefix of `name` says which side it bounds), in
 * protoc-gen-validate's words: `value length must be at least 2 characters`.
 * `count` is exact; `estimate` bounds it cheaply (a string of n UTF-16 units
 * has n/2 to n code points), so short values cost a comparison or two.
 */
export function planLengthRule<V>(
  family: string,
  name: string,
  limitValue: bigint,
  unit: "characters" | "bytes",
  count: (value: V) => number,
  shownValue: (value: V) => unknown,
  estimate: LengthEstimate<V> = { lower: count, upper: count },
): (value: V, ctx: EvalContext) => void {
  const limit = Number(limitValue);
  const shown = jsonSafeInteger(limitValue);
  const ruleId = `${family}.${name}`;
  const params = { [name]: shown };
  const { lower, upper } = estimate;
  let fails: (value: V) => boolean;
  if (name.startsWith("min")) {
    fails = (v) => upper(v) < limit || (lower(v) < limit && count(v) < limit);
  } else if (name.startsWith("max")) {
    fails = (v) => lower(v) > limit || (upper(v) > limit && count(v) > limit);
  } else {
    fails = (v) => {
      const low = lower(v);
      const high = upper(v);
      return low > limit || high < limit || (low !== high && count(v) !== limit);
    };
  }
  const message = lengthMessage(name, shown, unit);
  return (value, ctx) => {
    if (fails(value)) ctx.report(ruleId, message, shownValue(value), params);
  };
}
