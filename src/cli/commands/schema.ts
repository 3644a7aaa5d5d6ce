import { join } from "node:path";
import type { SchemaOptions } from "../args/schema-args.js";
import { describeIoError, ExitCode } from "../cli-error.js";
import type { CliIO } from "../io.js";
import { packageInfo } from "../package-root.js";
import { resolveTypeOption } from "../resolve-input-type.js";

/**
 * `envoy-tap-tunnel schema T`: prints the JSON Schema (2020-12) generated for
 * a type, exactly as shipped in `gen/jsonschema/<full.type.Name>.schema.json`
 * (the file the `envoy-tap-tunnel/jsonschema/*` export serves), so editors
 * and other validators can use it: `envoy-tap-tunnel schema Trace > trace.schema.json`.
 */
export async function schemaCommand(options: SchemaOptions, io: CliIO): Promise<number> {
  const schema = await resolveTypeOption(options.type);
  const file = join(packageInfo().root, "gen", "jsonschema", `${schema.typeName}.schema.json`);
  let bytes;
  try {
    bytes = await io.fs.readFile(file);
  } catch (error) {
    throw describeIoError("read the JSON Schema of", `${schema.typeName} (${file})`, error);
  }
  await io.stdout.write(bytes);
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) await io.stdout.write("\n");
  return ExitCode.ok;
}
