import type { CliError } from "../cli-error.js";
import type { CliIO, Writer } from "../io.js";
import { colorsFor } from "./colors.js";
import { escapeControl } from "./escape-control.js";
import { githubAnnotation, githubErrorAnnotation } from "./github-annotation.js";
import { jsonReporter } from "./json-reporter.js";
import { formatLocation, formatSummary, plural, type Problem, type Summary } from "./problem.js";

/**
 * Receives the findings of `validate` as they happen and prints them in one
 * output format. Every format streams, so a long run shows its first
 * problem at once and memory does not grow with the number of problems.
 */
export interface Reporter {
  problem(problem: Problem): Promise<void>;
  /** A path that could not be checked (exit 2), and the file or path it is about. */
  error(error: CliError, file: string): Promise<void>;
  /** The end of the run; `notListed` problems were found but not printed (`--max-problems`). */
  finish(summary: Summary, notListed?: number): Promise<void>;
}

/**
 * The reporter for `validate`'s options: human lines or `--json`, plus
 * GitHub workflow annotations when `GITHUB_ACTIONS=true` (on stdout beside
 * human lines, on stderr beside a JSON report so that stdout stays one JSON
 * document; the runner reads commands from both). With `maxProblems`, only
 * the first that many problems are printed (and annotated); the summary
 * still counts everything.
 */
export function createReporter(io: CliIO, json: boolean, maxProblems?: number): Reporter {
  const base = json ? jsonReporter(io) : humanReporter(io);
  const annotated = io.env["GITHUB_ACTIONS"] === "true" ? withAnnotations(base, json ? io.stderr : io.stdout) : base;
  return maxProblems === undefined ? annotated : limitProblems(annotated, maxProblems);
}

function withAnnotations(base: Reporter, annotations: Writer): Reporter {
  return {
    async problem(problem) {
      await base.problem(problem);
      await annotations.write(`${githubAnnotation(problem)}\n`);
    },
    async error(error, file) {
      await base.error(error, file);
      await annotations.write(`${githubErrorAnnotation(error.message)}\n`);
    },
    finish: (summary, notListed) => base.finish(summary, notListed),
  };
}

/** Passes on the first `max` problems and counts the rest. */
function limitProblems(base: Reporter, max: number): Reporter {
  let seen = 0;
  return {
    async problem(problem) {
      if (seen++ < max) await base.problem(problem);
    },
    error: (error, file) => base.error(error, file),
    finish: (summary) => base.finish(summary, Math.max(0, seen - max)),
  };
}

/**
 * One line per problem on stdout:
 * `FILE:LINE:COL: path: message [rule.id]` (or `FILE #INDEX @BYTE: ...`),
 * warnings marked `warning: `, decode errors without a rule id; errors as
 * `envoy-tap-tunnel: message` on stderr; the summary line last.
 */
export function humanReporter(io: CliIO): Reporter {
  const c = colorsFor(io.stdout, io.env);
  const e = colorsFor(io.stderr, io.env);
  return {
    async problem(problem) {
      await io.stdout.write(`${formatProblem(problem, c)}\n`);
    },
    async error(error) {
      await io.stderr.write(`${e.red("envoy-tap-tunnel:")} ${escapeControl(error.message)}\n`);
    },
    async finish(summary, notListed = 0) {
      if (notListed > 0) await io.stdout.write(`${c.dim(`... ${plural(notListed, "more problem")} not listed (--max-problems)`)}\n`);
      const line = formatSummary(summary);
      const failed = summary.invalid > 0 || summary.errors > 0;
      await io.stdout.write(`${failed ? c.red(line) : c.green(line)}\n`);
    },
  };
}

/**
 * The human line of a problem (colors off: the exact text tests compare).
 * Everything that came from the input (file name, path with its map keys,
 * message with its quoted values) is escaped, so one problem is one line.
 */
export function formatProblem(problem: Problem, c = colorsFor({ isTTY: false, write: async () => {} }, {})): string {
  const location = c.bold(formatLocation(problem));
  const severity = problem.severity === "warning" ? `${c.yellow("warning:")} ` : "";
  // A decode error's reason already names the field it stopped in.
  const path = problem.path === "" || problem.kind === "decode" ? "" : `${escapeControl(problem.path)}: `;
  const rule = problem.ruleId === undefined ? "" : ` ${c.dim(`[${escapeControl(problem.ruleId)}]`)}`;
  return `${location}: ${severity}${path}${escapeControl(problem.message)}${rule}`;
}
