import type { EvalContext } from "../context.js";
import { formatList } from "../format.js";

/**
 * Plans protoc-gen-validate's `in` / `not_in` rules, which every family with
 * a list of allowed or forbidden values words alike: the value (or, for
 * `any`, the part `key` picks: its type URL, named by `subject`) must be in
 * `rules.in`, or must not be in `rules.notIn`. The value and the list
 * appear in the violation as `show` makes them (JSON-friendly: no bigint).
 */
export function planMembership<V, K extends string | number | bigint>(
  family: string,
  name: "in" | "not_in",
  rules: { readonly in: readonly K[]; readonly notIn: readonly K[] },
  key: (value: V) => K,
  show: (key: K) => unknown = (k) => k,
  subject = "value",
): (value: V, ctx: EvalContext) => void {
  const ruleId = `${family}.${name}`;
  const mustContain = name === "in";
  const list = mustContain ? rules.in : rules.notIn;
  const set = new Set(list);
  const message = `${subject} must ${mustContain ? "" : "not "}be in list ${formatList(list)}`;
  const params = { [name]: list.map(show) };
  return (value, ctx) => {
    const k = key(value);
    if (set.has(k) !== mustContain) ctx.report(ruleId, message, show(k), params);
  };
}
