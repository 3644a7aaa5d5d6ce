import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, suite, test } from "node:test";
import { fromJsonString, toBinary } from "@bufbuild/protobuf";
import { loadInvalidCorpus, loadValidCorpus, invalidCorpusDir, validCorpusDir, type CorpusCase } from "../../conformance/invalid/load-corpus.js";
import { listTypes, registry, resolveType } from "../registry.js";
import { ensureBuilt, lines, repoRoot, runCli } from "./built-cli.testdata.js";

/**
 * Every case of the validation corpus (conformance/invalid, conformance/valid)
 * through the built CLI: its JSON file with `--type`, and, for cases
 * representable in binary, its wire bytes in a file named after the type.
 * Each file must print exactly one line per expected violation, naming the
 * expected path and rule id, then the summary, and exit 1 (0 for valid cases).
 */

const invalid = loadInvalidCorpus();
const valid = loadValidCorpus();
const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-corpus-"));
after(() => rmSync(dir, { recursive: true, force: true }));
before(() => ensureBuilt());

function shortName(typeName: string): string {
  return listTypes().find((e) => e.typeName === typeName)!.shortName;
}

/**
 * Checks the problem lines of one file against the case: the same number of
 * lines as expected violations, each expected `path: ... [ruleId]` on its
 * own line, at a line:column (JSON) or #0 @BYTE (binary).
 */
function assertLines(c: CorpusCase, file: string, output: readonly string[], binary: boolean): void {
  const location = binary ? `${escape(file)} #0 @\\d+` : `${escape(file)}:\\d+:\\d+`;
  assert.equal(output.length, c.violations.length, `${file}:\n${output.join("\n")}`);
  const unmatched = [...output];
  for (const v of c.violations) {
    const path = v.path === "" ? "" : `${escape(v.path)}: `;
    const pattern = new RegExp(`^${location}: ${path}.+ \\[${escape(v.ruleId)}\\]$`);
    const at = unmatched.findIndex((line) => pattern.test(line));
    assert.ok(at !== -1, `${file}: no line for ${v.path} [${v.ruleId}] in:\n${output.join("\n")}`);
    unmatched.splice(at, 1);
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Runs `validate --type T` on the given cases' JSON files at once (one process per type). */
async function checkJsonFiles(cases: readonly CorpusCase[], corpusDir: string): Promise<void> {
  const byType = new Map<string, CorpusCase[]>();
  for (const c of cases) byType.set(c.typeName, [...(byType.get(c.typeName) ?? []), c]);
  for (const [typeName, group] of byType) {
    const files = group.map((c) => relative(repoRoot, join(corpusDir, `${c.id}.json`)));
    const run = await runCli(["validate", "--type", typeName, ...files]);
    const output = lines(run.stdout);
    const failing = group.filter((c) => c.violations.length > 0).length;
    assert.equal(run.stderr, "", typeName);
    assert.equal(output.at(-1), `checked ${group.length} ${group.length === 1 ? "message" : "messages"} in ${group.length} ${group.length === 1 ? "file" : "files"}: ${failing} invalid`);
    assert.equal(run.code, failing > 0 ? 1 : 0, typeName);
    for (const [i, c] of group.entries()) {
      assertLines(c, files[i]!, output.filter((line) => line.startsWith(`${files[i]}:`)), false);
    }
  }
}

suite("the validation corpus through the built CLI", () => {
  test("every invalid JSON case: exit 1, one line per expected violation", async () => {
    assert.ok(invalid.length >= 40, `only ${invalid.length} cases`);
    await checkJsonFiles(invalid, invalidCorpusDir);
  });

  test("every valid JSON case: exit 0", async () => {
    await checkJsonFiles(valid, validCorpusDir);
  });

  test("every binary-representable case, typed by its file name: the same violations", async () => {
    const binaryDir = join(dir, "binary");
    const cases = [...invalid, ...valid].filter((c) => c.binary);
    mkdirSync(binaryDir);
    const files = new Map<string, CorpusCase>();
    for (const c of cases) {
      const schema = resolveType(c.typeName);
      const bytes = c.wire ?? toBinary(schema, fromJsonString(schema, c.json, { registry }));
      const file = join(binaryDir, `${c.id}.${shortName(c.typeName)}.pb`);
      writeFileSync(file, bytes);
      files.set(file, c);
    }
    // Some cases encode as no bytes at all: one message with every field unset.
    const run = await runCli(["validate", "--allow-empty", binaryDir]);
    const output = lines(run.stdout);
    const failing = cases.filter((c) => c.violations.length > 0).length;
    assert.equal(run.stderr, "");
    assert.equal(output.at(-1), `checked ${cases.length} messages in ${cases.length} files: ${failing} invalid`);
    assert.equal(run.code, 1);
    for (const [file, c] of files) {
      assertLines(c, file, output.filter((line) => line.startsWith(`${file} `)), true);
    }
  });
});
