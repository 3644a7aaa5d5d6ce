import type { DescMessage } from "@bufbuild/protobuf";
import type { Format } from "../codec/index.js";
import { isUnknownTypeError, loadMessageType, resolveTypeName } from "../registry.js";
import { TYPE_INDEX, type IndexedType } from "../type-index.js";
import { CliError } from "./cli-error.js";
import { inferType } from "./infer-type.js";
import { scanJsonKeys, scanTextFieldNames } from "./scan-field-names.js";

/** What is known about an input when its message type has to be decided. */
export interface TypedInput {
  /** The name printed in messages (`-` inputs are `<stdin>`). */
  readonly displayName: string;
  /** The file's base name, or undefined for standard input. */
  readonly baseName: string | undefined;
  readonly format: Format;
  /** The first bytes of the input. */
  readonly head: Uint8Array;
}

/**
 * Resolves `--type` once per command, turning an unknown or ambiguous name
 * into a usage error that lists what the person may have meant. Only the
 * generated file that declares the type is loaded (start-up time).
 */
export async function resolveTypeOption(name: string): Promise<DescMessage> {
  let type: IndexedType;
  try {
    type = resolveTypeName(name);
  } catch (error) {
    if (isUnknownTypeError(error)) throw new CliError("usage", error.message, { cause: error });
    throw error;
  }
  return loadMessageType(type);
}

/**
 * Decides an input's message type when `--type` is absent, in this order:
 *
 * 1. the file name: the name without its extension, or its last dot-separated
 *    parts, is a type name (`Trace.pb`, `capture-1.Trace.pb`,
 *    `envoy.data.tap.v2alpha.Trace.pb_length_delimited`); this is how binary
 *    files, which carry no field names, say what they hold;
 * 2. for JSON, NDJSON and text: the field names of the first bytes, when
 *    exactly one type fits them best (see `inferType`).
 *
 * Anything else is a usage error that says what to pass. The names are
 * matched in the type index; only the chosen type's generated file is loaded.
 */
export async function inferInputType(input: TypedInput): Promise<DescMessage> {
  const byName = input.baseName === undefined ? undefined : typeFromFileName(input.baseName);
  if (byName !== undefined) return loadMessageType(byName);
  if (input.format === "binary" || input.format === "delimited") {
    throw new CliError(
      "usage",
      `${input.displayName}: cannot tell the message type of ${input.format} input, which has no field names; pass --type (for example --type Trace) or name the file after its type (Trace.pb)`,
    );
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(input.head);
  const names = input.format === "text" ? scanTextFieldNames(text) : scanJsonKeys(text);
  const inference = inferType(names, input.format === "text" ? "text" : "json");
  if (inference.ok) return loadMessageType(inference.type);
  throw new CliError(
    "usage",
    inference.candidates.length > 0
      ? `${input.displayName}: the field names fit ${inference.candidates.join(", ")} equally well; pass --type`
      : `${input.displayName}: no message type has these field names; pass --type (envoy-tap-tunnel types lists them)`,
  );
}

/**
 * The type a file name ends with before its extension, if any (see
 * {@link inferInputType}), as its entry in the type index.
 */
export function typeFromFileName(baseName: string): IndexedType | undefined {
  const dot = baseName.lastIndexOf(".");
  const stem = dot > 0 ? baseName.slice(0, dot) : baseName;
  const parts = stem.split(".");
  // Only names of the registry are resolved: resolveTypeName's error for any
  // other (`trace` of trace.json) ranks close matches, ~10 ms of start-up.
  const names = new Set(TYPE_INDEX.flatMap((entry) => [entry.typeName, entry.shortName]));
  // Longest suffix first, so `x.envoy.data.tap.v2alpha.Trace` finds the full name.
  for (let start = 0; start < parts.length; start++) {
    const candidate = parts.slice(start).join(".");
    if (!names.has(candidate)) continue;
    try {
      return resolveTypeName(candidate);
    } catch {
      // Not a type name: try a shorter suffix.
    }
  }
  return undefined;
}
