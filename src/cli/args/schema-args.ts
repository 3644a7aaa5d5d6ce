import { parseOptions, type ArgsResult } from "./parse-options.js";

/** Options of `envoy-tap-tunnel schema`. */
export interface SchemaOptions {
  /** The full or short name of the type whose JSON Schema to print. */
  readonly type: string;
}

/** Parses the arguments after `schema`. */
export function parseSchemaArgs(argv: readonly string[]): ArgsResult<SchemaOptions> {
  const parsed = parseOptions("schema", argv, {}, true);
  if (!parsed.ok || parsed.help) return parsed;
  const [type, ...rest] = parsed.args.positionals;
  if (type === undefined || type === "") {
    return { ok: false, error: "schema needs a type name, such as envoy-tap-tunnel schema Trace; run envoy-tap-tunnel types to list them" };
  }
  if (rest.length > 0) return { ok: false, error: `schema takes one type name, got ${rest.length + 1}` };
  return { ok: true, help: false, options: { type } };
}
