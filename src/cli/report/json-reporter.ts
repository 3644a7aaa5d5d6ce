import type { CliIO } from "../io.js";
import { escapeControl, escapeControlInJson } from "./escape-control.js";
import type { Reporter } from "./reporter.js";

/**
 * `--json`: one JSON document on stdout,
 * `{ problems, errors, summary, ok, problemsNotListed }`, where each
 * problem has `file`, `index`, `line`/`column` or `offset`, `severity`,
 * `kind`, `path`, `ruleId` and `message`, and each error `kind`, `file` and
 * `message`. Errors also go to stderr as lines, for people watching.
 *
 * The document is written as the problems arrive (its opening, each
 * problem, then the rest at the end), so memory does not grow with the
 * number of problems: a run with hundreds of thousands of them would
 * otherwise hold every one until the summary. Only the errors, one per path
 * that could not be checked, are kept until the end. The layout is
 * `JSON.stringify(report, null, 2)`'s, with `ok` and `summary` last since
 * they are known last.
 */
export function jsonReporter(io: CliIO): Reporter {
  const errors: { kind: string; file: string; message: string }[] = [];
  let listed = 0;
  return {
    async problem(problem) {
      const { position, ...rest } = problem;
      const entry = indent(escapeControlInJson(JSON.stringify({ ...rest, ...(position ?? {}) }, null, 2)), 4);
      await io.stdout.write(`${listed === 0 ? '{\n  "problems": [\n' : ",\n"}${entry}`);
      listed++;
    },
    async error(error, file) {
      errors.push({ kind: error.kind, file, message: error.message });
      await io.stderr.write(`envoy-tap-tunnel: ${escapeControl(error.message)}\n`);
    },
    async finish(summary, notListed = 0) {
      const ok = summary.invalid === 0 && summary.errors === 0;
      const rest = JSON.stringify({ errors, summary, ok, problemsNotListed: notListed }, null, 2);
      // `{\n  "errors": ...` continues the document after the problems.
      const tail = escapeControlInJson(rest.slice(rest.indexOf("\n") + 1));
      await io.stdout.write(`${listed === 0 ? '{\n  "problems": [],\n' : "\n  ],\n"}${tail}\n`);
    },
  };
}

function indent(text: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return pad + text.replace(/\n/g, `\n${pad}`);
}
