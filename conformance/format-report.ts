import type { CheckResult, CheckStatus, ConformanceReport } from "./run.js";

const labels: Readonly<Record<CheckStatus, string>> = {
  pass: "pass",
  fail: "FAIL",
  skip: "skip",
  "expected-fail": "xfail",
};

/**
 * The report as text: one line per case and check (`pass trace/documented
 * json`), each failure's explanation indented under it, and the summary line
 * `N passed, M failed` last, followed by skips and expected failures when
 * there are any.
 */
export function formatReport(report: ConformanceReport): string {
  const lines: string[] = [];
  for (const result of report.results) lines.push(...formatResult(result));
  let summary = `${report.passed} passed, ${report.failed} failed`;
  if (report.expectedFailures > 0) summary += `, ${report.expectedFailures} expected failures`;
  if (report.skipped > 0) summary += `, ${report.skipped} skipped: ${report.protocSkipReason ?? "not run"}`;
  lines.push(summary);
  return lines.join("\n") + "\n";
}

function formatResult(result: CheckResult): string[] {
  const head = `${labels[result.status].padEnd(5)} ${result.caseId} ${result.check}`;
  if (result.status === "pass" || result.detail === undefined) return [head];
  return [head, ...result.detail.split("\n").map((line) => `      ${line}`)];
}
