import type { Format } from "../../codec/index.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "../../codec/decode-options.js";
import { parseByteSize, parseFormat, parseOptions, type ArgsResult } from "./parse-options.js";

/** Options of `envoy-tap-tunnel convert`. */
export interface ConvertOptions {
  /** `--type`: a full or short type name. By default, found from the input's name or content as `validate` does. */
  readonly type?: string;
  /** `--from`: the input format. By default, from the input's extension, else from its content. */
  readonly from?: Format;
  /** `--to`: the output format. By default, from the output's extension; required when writing to stdout. */
  readonly to?: Format;
  /** The input file, or `-` (the default) for standard input. */
  readonly input: string;
  /** `-o`/`--output`: the output file. By default, standard output. */
  readonly output?: string;
  /** `--proto-names`: JSON keys are proto field names (`local_address`). By default, lowerCamelCase JSON names. */
  readonly protoNames: boolean;
  /** `--pretty`: indent JSON output by two spaces. By default, JSON is compact. */
  readonly pretty: boolean;
  /**
   * `--allow-loss` (or its deprecated alias `--allow-unknown-loss`): convert
   * even when the output would hold less than the input (a second oneof
   * member, unknown fields going to JSON or text, an Any JSON cannot write,
   * which is dropped). By default, that is an error.
   */
  readonly allowLoss: boolean;
  /** `--max-message-bytes`: the largest message accepted. By default, 64 MiB. */
  readonly maxMessageBytes: number;
}

/** Parses the arguments after `convert`. */
export function parseConvertArgs(argv: readonly string[]): ArgsResult<ConvertOptions> {
  const parsed = parseOptions(
    "convert",
    argv,
    {
      type: { type: "string", short: "t" },
      from: { type: "string" },
      to: { type: "string" },
      output: { type: "string", short: "o" },
      "proto-names": { type: "boolean" },
      pretty: { type: "boolean" },
      "allow-loss": { type: "boolean" },
      // The flag's name before it covered more than unknown fields; kept so scripts keep working.
      "allow-unknown-loss": { type: "boolean" },
      "max-message-bytes": { type: "string" },
    },
    true,
  );
  if (!parsed.ok || parsed.help) return parsed;
  const { values, positionals } = parsed.args;
  if (positionals.length > 1) {
    return { ok: false, error: `convert reads one input, got ${positionals.length}; see envoy-tap-tunnel convert --help` };
  }
  const formats: { from?: Format; to?: Format } = {};
  for (const name of ["from", "to"] as const) {
    const value = values[name];
    if (typeof value !== "string") continue;
    const checked = parseFormat(`--${name}`, value);
    if (!checked.ok) return checked;
    formats[name] = checked.format;
  }
  let maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
  if (typeof values["max-message-bytes"] === "string") {
    const checked = parseByteSize("--max-message-bytes", values["max-message-bytes"]);
    if (!checked.ok) return checked;
    maxMessageBytes = checked.bytes;
  }
  const type = values["type"];
  if (type === "") return { ok: false, error: "--type needs a type name; run envoy-tap-tunnel types to list them" };
  const output = values["output"];
  if (output === "") return { ok: false, error: "--output needs a file name" };
  return {
    ok: true,
    help: false,
    options: {
      ...(typeof type === "string" ? { type } : {}),
      ...formats,
      input: positionals[0] ?? "-",
      ...(typeof output === "string" && output !== "-" ? { output } : {}),
      protoNames: values["proto-names"] === true,
      pretty: values["pretty"] === true,
      allowLoss: values["allow-loss"] === true || values["allow-unknown-loss"] === true,
      maxMessageBytes,
    },
  };
}
