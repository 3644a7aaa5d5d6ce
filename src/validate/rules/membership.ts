import type { EvalContext } from "../context.js";

/**
 * Plans protoc-gen-validate's `in` / `not_in` rules, which every family with
 * a list of allowed or forbidden values words alike: the value (or, for
 * `any`, the part `key` picks: its type URL) must be in `list`, or must not.
 * The value and the list appear in the violation as `show` makes them
 * (JSON-friendly: no bigint).
 */
export function planMembership<V, K>(
  family: string,
  name: "in" | "not_in",
  list: readonly K[],
  message: string,
  key: (value: V) => K,
  show: (key: K) => unknown = (k) => k,
): (value: V, ctx: EvalContext) => void {
  const ruleId = `${family}.${name}`;
  const set = new Set(list);
  const mustContain = name === "in";
  const params = { [name]: list.map(show) };
  return (value, ctx) => {
    const k = key(value);
    if (set.has(k) !== mustContain) ctx.report(ruleId, message, show(k), params);
  };
}
