import { parseOptions, type ArgsResult } from "./parse-options.js";

/** Options of `envoy-tap-tunnel types`. */
export interface TypesOptions {
  /** `--json`: print a JSON array instead of aligned columns. */
  readonly json: boolean;
}

/** Parses the arguments after `types`. */
export function parseTypesArgs(argv: readonly string[]): ArgsResult<TypesOptions> {
  const parsed = parseOptions("types", argv, { json: { type: "boolean" } }, false);
  if (!parsed.ok || parsed.help) return parsed;
  return { ok: true, help: false, options: { json: parsed.args.values["json"] === true } };
}
