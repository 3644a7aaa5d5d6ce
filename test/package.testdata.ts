import { readFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";

const readme = (): string => readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");

/**
 * The README's library example (its ```js block), and the output it promises:
 * every `// ` line right after a `console.log(...)` line.
 */
export function readmeJsExample(): { code: string; expectedOutput: string[] } {
  const match = /```js\n([\s\S]*?)```/.exec(readme());
  assert.ok(match, "README has no ```js example");
  const code = match[1]!;
  const lines = code.split("\n");
  const expectedOutput: string[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith("console.log(")) return;
    const trailing = /\/\/ (.*)$/.exec(line);
    const next = lines[i + 1] ?? "";
    if (trailing) expectedOutput.push(trailing[1]!);
    else if (next.startsWith("// ")) expectedOutput.push(next.slice(3));
  });
  return { code, expectedOutput };
}

/** One violation as the README's comment shows it. */
export interface DocumentedViolation {
  path: string;
  ruleId: string;
  position?: { line: number; column: number };
}

/**
 * The README's validation example (its ```ts block) with a last line that
 * prints `result` as JSON, and what its comments promise: `result.kind === "…"`
 * and the `{ path: "…", ruleId: "…", position: { line: L, column: C } }`
 * objects, in order.
 */
export function readmeValidationExample(): { code: string; expectedKind: string; expectedViolations: DocumentedViolation[] } {
  const match = /```ts\n([\s\S]*?)```/.exec(readme());
  assert.ok(match, "README has no ```ts example");
  const block = match[1]!;
  const kind = /result\.kind === "(\w+)"/.exec(block);
  assert.ok(kind, "the ```ts example states result.kind");
  const expectedViolations = [
    ...block.matchAll(/\{ path: "([^"]*)", ruleId: "([^"]+)"(?:, position: \{ line: (\d+), column: (\d+) \})?/g),
  ].map(([, path, ruleId, line, column]): DocumentedViolation => ({
    path: path!,
    ruleId: ruleId!,
    ...(line === undefined ? {} : { position: { line: Number(line), column: Number(column) } }),
  }));
  const printer = [
    "console.log(JSON.stringify({",
    "  kind: result.kind,",
    "  violations: result.violations.map((v) => ({ path: v.path, ruleId: v.ruleId, position: v.position })),",
    "}));",
  ].join("\n");
  return { code: `${block}\n${printer}\n`, expectedKind: kind[1]!, expectedViolations };
}

/** The target of every inline Markdown link and image, `[text](target)`, outside code. */
export function markdownLinks(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map(([, target]) => target!);
}
