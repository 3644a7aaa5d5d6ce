/**
 * `npm run conformance`: runs the suite against the package's codec, prints
 * the report, and exits 1 on any unexpected failure, on a listed gap that now
 * passes, or (when `CI` is set) on a missing protoc, so that a green CI run
 * always means the protoc checks really ran.
 */
import { formatReport } from "./format-report.js";
import { runConformance } from "./run.js";

const inCi = process.env["CI"] !== undefined && process.env["CI"] !== "false";

try {
  const report = runConformance({ protoc: inCi ? "require" : "auto" });
  process.stdout.write(formatReport(report));
  if (report.protocSkipReason !== undefined) {
    process.stderr.write(
      inCi
        ? `conformance: CI must run the checks against protoc, but ${report.protocSkipReason}\n`
        : `conformance: protoc checks skipped: ${report.protocSkipReason}\n`,
    );
  }
  process.exitCode = report.failed > 0 ? 1 : 0;
} catch (error) {
  // A malformed case file or list is a defect of the suite itself: say which.
  process.stderr.write(`conformance: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
