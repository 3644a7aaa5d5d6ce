import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { suite, test } from "node:test";
import { InputRule, JsonRule, OneofRule, TraceRule, WireRule } from "./rule-ids.js";

const root = join(import.meta.dirname, "..", "..");
const declared = new Set<string>([WireRule, TraceRule, OneofRule, JsonRule, InputRule].flatMap((family) => Object.values(family)));

/** Every quoted encoding-level or relational id in the production sources outside src/fault. */
function idsInSources(): Map<string, string> {
  const found = new Map<string, string>();
  for (const name of readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" })) {
    if (!name.endsWith(".ts") || /\.test(data)?\.ts$/.test(name) || name.startsWith("fault")) continue;
    const source = readFileSync(join(root, "src", name), "utf8");
    for (const [, id] of source.matchAll(/"((?:wire|json|trace|input|text)\.[a-z_]+)"/g)) found.set(id!, name);
  }
  return found;
}

suite("rule ids", () => {
  test("every wire, json, trace, text and input id in the sources is declared in src/fault/rule-ids.ts", () => {
    const undeclared = [...idsInSources()].filter(([id]) => !declared.has(id)).map(([id, file]) => `${id} (${file})`);
    assert.deepEqual(undeclared, []);
  });

  test("the README lists every declared id", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    assert.deepEqual([...declared].filter((id) => !readme.includes(`\`${id}\``)), []);
  });
});
