import { listTypes } from "../../registry.js";
import type { TypesOptions } from "../args/types-args.js";
import { ExitCode } from "../cli-error.js";
import type { CliIO } from "../io.js";

/**
 * `envoy-tap-tunnel types`: every message type, the tap and reverse tunnel
 * types first, one per line as `SHORT-NAME  FULL-NAME` (the short name is
 * what `--type` accepts besides the full name; a type whose name is not
 * unique across packages shows its full name in both columns). `--json`
 * prints `[{ "shortName", "typeName", "primary" }]` instead.
 */
export async function typesCommand(options: TypesOptions, io: CliIO): Promise<number> {
  const entries = listTypes();
  if (options.json) {
    const rows = entries.map(({ shortName, typeName, primary }) => ({ shortName, typeName, primary }));
    await io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return ExitCode.ok;
  }
  const width = Math.max(...entries.map((e) => e.shortName.length));
  const lines = entries.map((e) => `${e.shortName.padEnd(width)}  ${e.typeName}`);
  await io.stdout.write(`${lines.join("\n")}\n`);
  return ExitCode.ok;
}
