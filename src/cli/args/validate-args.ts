import type { Format } from "../../codec/index.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "../../codec/decode-options.js";
import { parseByteSize, parseFormat, parseOptions, type ArgsResult } from "./parse-options.js";

/** Options of `envoy-tap-tunnel validate`. */
export interface ValidateOptions {
  /** Files, directories, or `-` for standard input; never empty. */
  readonly paths: readonly string[];
  /** `--type`: a full or short type name. By default, each file's type is found from its name or content. */
  readonly type?: string;
  /** `--format`: overrides the format found from each file's extension or content. */
  readonly format?: Format;
  /** `--strict`: warnings fail like violations. By default, they are printed but pass. */
  readonly strict: boolean;
  /** `--json`: print one JSON report on stdout instead of lines. */
  readonly json: boolean;
  /** `--allow-empty`: an input with no message passes. By default, it is an `input.empty` problem (exit 1). */
  readonly allowEmpty: boolean;
  /** `--max-message-bytes`: the largest message accepted. By default, 64 MiB. */
  readonly maxMessageBytes: number;
  /** `--max-problems`: print at most this many problems; the summary still counts all. By default, every problem is printed. */
  readonly maxProblems?: number;
}

/** Parses the arguments after `validate`. */
export function parseValidateArgs(argv: readonly string[]): ArgsResult<ValidateOptions> {
  const parsed = parseOptions(
    "validate",
    argv,
    {
      type: { type: "string", short: "t" },
      format: { type: "string", short: "f" },
      strict: { type: "boolean" },
      json: { type: "boolean" },
      "allow-empty": { type: "boolean" },
      "max-message-bytes": { type: "string" },
      "max-problems": { type: "string" },
    },
    true,
  );
  if (!parsed.ok || parsed.help) return parsed;
  const { values, positionals } = parsed.args;
  if (positionals.length === 0) {
    return { ok: false, error: "validate needs at least one file, directory or - (standard input); see envoy-tap-tunnel validate --help" };
  }
  if (positionals.filter((p) => p === "-").length > 1) {
    return { ok: false, error: "standard input (-) can be read only once" };
  }
  let format: Format | undefined;
  if (typeof values["format"] === "string") {
    const checked = parseFormat("--format", values["format"]);
    if (!checked.ok) return checked;
    format = checked.format;
  }
  let maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
  if (typeof values["max-message-bytes"] === "string") {
    const checked = parseByteSize("--max-message-bytes", values["max-message-bytes"]);
    if (!checked.ok) return checked;
    maxMessageBytes = checked.bytes;
  }
  const maxProblems = values["max-problems"];
  if (typeof maxProblems === "string" && !/^\d+$/.test(maxProblems)) {
    return { ok: false, error: `--max-problems must be a whole number, not "${maxProblems}"` };
  }
  const type = values["type"];
  if (type === "") return { ok: false, error: "--type needs a type name; run envoy-tap-tunnel types to list them" };
  return {
    ok: true,
    help: false,
    options: {
      paths: positionals,
      ...(typeof type === "string" ? { type } : {}),
      ...(format !== undefined ? { format } : {}),
      strict: values["strict"] === true,
      json: values["json"] === true,
      allowEmpty: values["allow-empty"] === true,
      maxMessageBytes,
      ...(typeof maxProblems === "string" ? { maxProblems: Number(maxProblems) } : {}),
    },
  };
}
