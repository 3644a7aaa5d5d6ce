import { escapeControl } from "./escape-control.js";
import type { Problem } from "./problem.js";

/**
 * A GitHub Actions workflow command that shows a problem on the pull
 * request's file view:
 * `::error file=payloads/x.json,line=3,col=5,title=string.min_len::added_tunnels[0].name: ...`.
 * Binary positions have no line, so those annotate the file only and keep
 * `#INDEX @BYTE` in the text. Text from the input is escaped as in every
 * other output (`\n`, `\u001b`), then as the workflow command syntax asks.
 */
export function githubAnnotation(problem: Problem): string {
  const properties = [`file=${escapeProperty(problem.file)}`];
  let where = "";
  const position = problem.position;
  if (position !== undefined && "line" in position) {
    properties.push(`line=${position.line}`, `col=${position.column}`);
  } else if (problem.index !== undefined) {
    where = position !== undefined ? `#${problem.index} @${position.offset}: ` : `#${problem.index}: `;
  }
  if (problem.ruleId !== undefined) properties.push(`title=${escapeProperty(problem.ruleId)}`);
  const text = `${where}${problem.path === "" ? "" : `${problem.path}: `}${problem.message}`;
  return `::${problem.severity} ${properties.join(",")}::${escapeData(text)}`;
}

/** A workflow command for an error that has no position (a path that cannot be read). */
export function githubErrorAnnotation(message: string): string {
  return `::error::${escapeData(message)}`;
}

// The escapes of @actions/core's command.ts: data may not hold line breaks
// or a literal %, properties additionally no ':' or ','.
function escapeData(text: string): string {
  return escapeControl(text).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
