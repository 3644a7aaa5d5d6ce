import type { InputPosition } from "../../validate/index.js";
import { displayFileName } from "./escape-control.js";

/**
 * One finding about one input, as every report format prints it. Positions
 * are absolute in the file: line and column for JSON, NDJSON and text,
 * byte offset for binary and size-delimited input.
 */
export interface Problem {
  /** `violation`: a rule or wire check failed; `decode`: the input could not be read as the type at all. */
  readonly kind: "violation" | "decode";
  /** `warning` only for warnings that do not fail the run (without `--strict`). */
  readonly severity: "error" | "warning";
  /** The file's display name (`<stdin>` for standard input). */
  readonly file: string;
  /** 0-based index of the message in the file, when known. */
  readonly index?: number;
  readonly position?: InputPosition;
  /** Proto field path; empty for the message itself or for decode errors without one. */
  readonly path: string;
  /** The rule id (`string.min_len`, `trace.timestamp_order`, `input.too_large`); absent for other decode errors. */
  readonly ruleId?: string;
  /** One sentence, without path or location. */
  readonly message: string;
}

/** Counts printed in the summary line and the JSON report. */
export interface Summary {
  readonly files: number;
  readonly messages: number;
  /** Messages with at least one failing problem (warnings count under `--strict`). */
  readonly invalid: number;
  /** Warnings that did not fail the run (always 0 under `--strict`). */
  readonly warnings: number;
  /** Paths that could not be read or checked (I/O and usage errors). */
  readonly errors: number;
}

/**
 * Where a problem is, as the human format prints it: `FILE:LINE:COL` for
 * text inputs, `FILE #INDEX @BYTE` for binary ones, `FILE #INDEX` when only
 * the message is known, and `FILE` when nothing more is. The file name is
 * escaped (see {@link displayFileName}).
 */
export function formatLocation(problem: Pick<Problem, "file" | "index" | "position">): string {
  const { index, position } = problem;
  const file = displayFileName(problem.file);
  if (position !== undefined && "line" in position) return `${file}:${position.line}:${position.column}`;
  if (index === undefined) return file;
  return position !== undefined ? `${file} #${index} @${position.offset}` : `${file} #${index}`;
}

/** `1 message`, `2 messages`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/**
 * The summary line: `checked 3 messages in 2 files: 1 invalid`, followed by
 * `, 2 warnings` and `, 1 path not checked` when there are any.
 */
export function formatSummary(summary: Summary): string {
  let line = `checked ${plural(summary.messages, "message")} in ${plural(summary.files, "file")}: ${summary.invalid} invalid`;
  if (summary.warnings > 0) line += `, ${plural(summary.warnings, "warning")}`;
  if (summary.errors > 0) line += `, ${summary.errors} ${summary.errors === 1 ? "path" : "paths"} not checked`;
  return line;
}
