import type { CliError } from "../cli-error.js";
import type { CliIO } from "../io.js";
import { colorsFor } from "./colors.js";
import { escapeControl, escapeControlInJson } from "./escape-control.js";
import { githubAnnotation, githubErrorAnnotation } from "./github-annotation.js";
import { formatLocation, formatSummary, type Problem, type Summary } from "./problem.js";

/**
 * Receives the findings of `validate` as they happen and prints them in one
 * output format. Human output streams line by line, so a long run shows its
 * first problem at once; the JSON report is printed whole at the end.
 */
export interface Reporter {
  problem(problem: Problem): Promise<void>;
  /** A path that could not be checked (exit 2). */
  error(error: CliError): Promise<void>;
  finish(summary: Summary): Promise<void>;
}

/**
 * The reporter for `validate`'s options: human lines or `--json`, plus
 * GitHub workflow annotations when `GITHUB_ACTIONS=true` (on stdout beside
 * human lines, on stderr beside a JSON report so that stdout stays one JSON
 * document; the runner reads commands from both).
 */
export function createReporter(io: CliIO, json: boolean): Reporter {
  const base = json ? jsonReporter(io) : humanReporter(io);
  if (io.env["GITHUB_ACTIONS"] !== "true") return base;
  const annotations = json ? io.stderr : io.stdout;
  return {
    async problem(problem) {
      await base.problem(problem);
      await annotations.write(`${githubAnnotation(problem)}\n`);
    },
    async error(error) {
      await base.error(error);
      await annotations.write(`${githubErrorAnnotation(error.message)}\n`);
    },
    finish: (summary) => base.finish(summary),
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
    async finish(summary) {
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

/**
 * `--json`: one JSON document on stdout at the end,
 * `{ ok, summary, problems, errors }`, where each problem has `file`,
 * `index`, `line`/`column` or `offset`, `severity`, `kind`, `path`, `ruleId`
 * and `message`. Errors also go to stderr as lines, for people watching.
 */
export function jsonReporter(io: CliIO): Reporter {
  const problems: Record<string, unknown>[] = [];
  const errors: { message: string; kind: string }[] = [];
  return {
    async problem(problem) {
      const { position, ...rest } = problem;
      problems.push({ ...rest, ...(position ?? {}) });
    },
    async error(error) {
      errors.push({ kind: error.kind, message: error.message });
      await io.stderr.write(`envoy-tap-tunnel: ${escapeControl(error.message)}\n`);
    },
    async finish(summary) {
      const ok = summary.invalid === 0 && summary.errors === 0;
      await io.stdout.write(`${escapeControlInJson(JSON.stringify({ ok, summary, problems, errors }, null, 2))}\n`);
    },
  };
}
