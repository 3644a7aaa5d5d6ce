import { closeMatches } from "../close-matches.js";
import { parseConvertArgs } from "./args/convert-args.js";
import { didYouMean, type ArgsResult } from "./args/parse-options.js";
import { parseSchemaArgs } from "./args/schema-args.js";
import { parseTapArgs } from "./args/tap-args.js";
import { parseTypesArgs } from "./args/types-args.js";
import { parseValidateArgs } from "./args/validate-args.js";
import { parseReportArgs } from "./args/report-args.js";
import { parseServeArgs } from "./args/serve-args.js";
import { ExitCode, isCliError, oneLine } from "./cli-error.js";
import { CONVERT_HELP, MAIN_HELP, SCHEMA_HELP, TAP_HELP, TYPES_HELP, VALIDATE_HELP } from "./help.js";
import { REPORT_HELP, SERVE_HELP } from "./tunnel-help.js";
import type { CliIO } from "./io.js";
import { nodeIO } from "./node-io.js";
import { escapeControl } from "./report/escape-control.js";
import { packageInfo } from "./package-root.js";

/** A command with its options type erased: its help, and how to run it on raw arguments. */
interface Command {
  readonly help: string;
  readonly execute: (argv: readonly string[], io: CliIO) => Promise<number>;
}

/** What runs a command once its arguments parsed. */
type RunCommand<T> = (options: T, io: CliIO) => Promise<number>;

/**
 * Binds a command's parser to its run function: parse, then print help, fail,
 * or load and run. The run function is imported only when its command runs,
 * so `validate` never loads the server's HTTP/2, metrics and Redis modules,
 * and `--version` or `--help` load no command at all (start-up time).
 */
function command<T>(
  parse: (argv: readonly string[]) => ArgsResult<T>,
  load: () => Promise<RunCommand<T>>,
  help: string,
): Command {
  return {
    help,
    async execute(argv, io) {
      const parsed = parse(argv);
      if (!parsed.ok) return fail(io, parsed.error);
      if (parsed.help) {
        await io.stdout.write(help);
        return ExitCode.ok;
      }
      const run = await load();
      return run(parsed.options, io);
    },
  };
}

const commands: Readonly<Record<string, Command>> = {
  validate: command(parseValidateArgs, async () => (await import("./commands/validate.js")).validateCommand, VALIDATE_HELP),
  convert: command(parseConvertArgs, async () => (await import("./commands/convert.js")).convertCommand, CONVERT_HELP),
  schema: command(parseSchemaArgs, async () => (await import("./commands/schema.js")).schemaCommand, SCHEMA_HELP),
  types: command(parseTypesArgs, async () => (await import("./commands/types.js")).typesCommand, TYPES_HELP),
  tap: command(parseTapArgs, async () => (await import("./commands/tap.js")).tapCommand, TAP_HELP),
  serve: command(parseServeArgs, async () => (await import("./commands/serve.js")).serveCommand, SERVE_HELP),
  report: command(parseReportArgs, async () => (await import("./commands/report.js")).reportCommand, REPORT_HELP),
};

/**
 * Runs the CLI with `argv` (the arguments after the program name) and
 * returns the exit code. Nothing here exits or throws: every failure is one
 * line `envoy-tap-tunnel: <message>` on stderr, and an unexpected error
 * (a bug) is one line too, with its stack only when
 * `ENVOY_TAP_TUNNEL_DEBUG=1`.
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    const [name, ...rest] = argv;
    const flags = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
    if (name === undefined) {
      await io.stderr.write(MAIN_HELP);
      return ExitCode.usage;
    }
    if (name === "--help" || name === "-h" || name === "help") {
      const topic = name === "help" && rest[0] !== undefined && Object.hasOwn(commands, rest[0]) ? commands[rest[0]] : undefined;
      await io.stdout.write(topic?.help ?? MAIN_HELP);
      return ExitCode.ok;
    }
    if (flags.includes("--version")) {
      await io.stdout.write(`${packageInfo().version}\n`);
      return ExitCode.ok;
    }
    const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
    if (command === undefined) {
      if (name.startsWith("-")) return await fail(io, `unknown option ${name}; ${didYouMean(name, ["help", "version"])}see envoy-tap-tunnel --help`);
      const matches = closeMatches(name, Object.keys(commands).map((c) => ({ name: c })));
      const hint = matches.length === 0 ? `the commands are ${Object.keys(commands).join(", ")}` : `did you mean ${matches.map((m) => `"${m}"`).join(" or ")}?`;
      return await fail(io, `unknown command "${name}"; ${hint} (see envoy-tap-tunnel --help)`);
    }
    return await command.execute(rest, io);
  } catch (error) {
    if (isCliError(error)) return await fail(io, error.message, error.exitCode);
    const debug = io.env["ENVOY_TAP_TUNNEL_DEBUG"] === "1";
    const hint = debug ? "" : " (set ENVOY_TAP_TUNNEL_DEBUG=1 to print the stack trace)";
    const code = await fail(io, `internal error: ${oneLine(error)}${hint}`);
    if (debug && error instanceof Error && error.stack !== undefined) await io.stderr.write(`${error.stack}\n`);
    return code;
  }
}

async function fail(io: CliIO, message: string, code: number = ExitCode.usage): Promise<number> {
  // Messages name files and quote arguments, which may hold anything.
  await io.stderr.write(`envoy-tap-tunnel: ${escapeControl(message)}\n`);
  return code;
}

/**
 * The entry point of `bin/envoy-tap-tunnel.js`: runs {@link main} on the
 * process's arguments and streams and sets the exit code. Errors that escape
 * every `await` (an event emitter failing later) still end as one line.
 */
export async function run(): Promise<void> {
  const io = nodeIO();
  const last = (error: unknown) => {
    process.stderr.write(`envoy-tap-tunnel: internal error: ${escapeControl(oneLine(error))}\n`);
    if (process.env["ENVOY_TAP_TUNNEL_DEBUG"] === "1" && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exit(ExitCode.usage);
  };
  process.on("uncaughtException", last);
  process.on("unhandledRejection", last);
  // Until main settles, an exit (an event loop left empty by a write that
  // never settles) is a failure, never a silent 0.
  process.exitCode = ExitCode.usage;
  process.exitCode = await main(process.argv.slice(2), io);
}
