import { parseArgs } from "node:util";
import type { Format } from "../../fault/decode-error.js";
import { formats, isFormat } from "../../codec/formats.js";
import { closeMatches } from "../../close-matches.js";

/**
 * The outcome of parsing one command's arguments: options to run with, a
 * request for help, or a one-line error for the person who typed them.
 * Parsing never prints and never exits; `main` decides what to do.
 */
export type ArgsResult<T> =
  | { readonly ok: true; readonly help: false; readonly options: T }
  | { readonly ok: true; readonly help: true }
  | { readonly ok: false; readonly error: string };

/** An option as `node:util` `parseArgs` declares it. */
export type OptionSpec = Readonly<Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>>;

/** Parsed values before a command checks them. */
export interface RawArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * Parses `argv` strictly (unknown options are errors) and rewrites
 * `parseArgs`'s messages, which suggest `--` tricks and name no command, into
 * `unknown option --foo; see envoy-tap-tunnel validate --help`. `--help` and
 * `-h` win over every other argument, even broken ones, so a person can
 * always get to the help that explains the error.
 */
export function parseOptions(
  command: string,
  argv: readonly string[],
  options: OptionSpec,
  allowPositionals: boolean,
): { ok: true; help: true } | { ok: true; help: false; args: RawArgs } | { ok: false; error: string } {
  const end = argv.indexOf("--");
  const flags = end === -1 ? argv : argv.slice(0, end);
  if (flags.includes("--help") || flags.includes("-h")) return { ok: true, help: true };
  const seeHelp = `see envoy-tap-tunnel ${command} --help`;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...options },
      allowPositionals,
      strict: true,
    });
    return { ok: true, help: false, args: { values: values as RawArgs["values"], positionals } };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    const quoted = /'([^']*)'/.exec(message)?.[1] ?? "";
    switch (code) {
      case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
        return { ok: false, error: `unknown option ${quoted}; ${didYouMean(quoted, [...Object.keys(options), "help"])}${seeHelp}` };
      case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
        return { ok: false, error: `unexpected argument ${quoted}; ${seeHelp}` };
      case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
        // `-t, --type <value>`: name the long form, which the help lists.
        const option = /(--[\w-]+)/.exec(quoted)?.[1] ?? /^(-\w)/.exec(quoted)?.[1] ?? quoted;
        const reason = message.includes("does not take")
          ? `option ${option} does not take a value`
          : `option ${option} needs a value`;
        return { ok: false, error: `${reason}; ${seeHelp}` };
      }
      default:
        return { ok: false, error: `${message}; ${seeHelp}` };
    }
  }
}

const BYTE_UNITS: Readonly<Record<string, number>> = { "": 1, b: 1, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30 };

/**
 * Reads a size given on the command line: a whole number of bytes,
 * optionally with a binary unit (`B`, `KiB`, `MiB`, `GiB`, any case):
 * `1048576`, `512KiB`, `128MiB`.
 */
export function parseByteSize(option: string, value: string): { ok: true; bytes: number } | { ok: false; error: string } {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(value.trim());
  const unit = match === null ? undefined : BYTE_UNITS[match[2]!.toLowerCase()];
  const bytes = match === null || unit === undefined ? NaN : Number(match[1]) * unit;
  if (!Number.isSafeInteger(bytes)) {
    return { ok: false, error: `${option} must be a number of bytes, optionally with a unit (B, KiB, MiB, GiB), such as 128MiB; not "${value}"` };
  }
  return { ok: true, bytes };
}

/**
 * `did you mean --strict? ` for a misspelled long option, naming the close
 * matches among `names` (option names without dashes); empty when none is
 * close or the option is a short one.
 */
export function didYouMean(typed: string, names: readonly string[]): string {
  if (!typed.startsWith("--")) return "";
  const matches = closeMatches(typed.slice(2).split("=")[0]!, names.map((name) => ({ name })));
  return matches.length === 0 ? "" : `did you mean ${matches.map((m) => `--${m}`).join(" or ")}? `;
}

/** Checks a format name given on the command line (`--format`, `--from`, `--to`). */
export function parseFormat(option: string, value: string): { ok: true; format: Format } | { ok: false; error: string } {
  return isFormat(value)
    ? { ok: true, format: value }
    : { ok: false, error: `${option} must be one of ${formats.join(", ")}, not "${value}"` };
}
