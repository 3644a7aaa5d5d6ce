import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, suite, test } from "node:test";
import { main } from "./main.js";
import { memoryIO } from "./memory-io.testdata.js";

const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-json-report-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = memoryIO();
  const code = await main(args, io);
  return { code, stdout: io.stdout.text(), stderr: io.stderr.text() };
}

// Each line lacks the required node: one problem per message.
const reports = join(dir, "reports.StreamReverseTunnelsRequest.ndjson");
writeFileSync(reports, "{}\n".repeat(5));

suite("validate --json and --max-problems", () => {
  test("every error entry names its file", async () => {
    const missing = join(dir, "missing.json");
    const untyped = join(dir, "untyped.json");
    writeFileSync(untyped, '{"no_such_field": 1}');
    const result = await run(["validate", "--json", missing, untyped]);
    assert.equal(result.code, 2);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.errors, [
      { kind: "io", file: missing, message: `cannot read ${missing}: no such file or directory` },
      { kind: "usage", file: untyped, message: `${untyped}: no message type has these field names; pass --type (envoy-tap-tunnel types lists them)` },
    ]);
  });

  test("--max-problems lists the first N and keeps the summary exact, in lines and in --json", async () => {
    const lines = await run(["validate", "--max-problems", "2", reports]);
    assert.equal(lines.code, 1);
    assert.deepEqual(lines.stdout.split("\n"), [
      `${reports}:1:1: node: value is required [message.required]`,
      `${reports}:2:1: node: value is required [message.required]`,
      "... 3 more problems not listed (--max-problems)",
      "checked 5 messages in 1 file: 5 invalid",
      "",
    ]);
    const json = await run(["validate", "--json", "--max-problems", "0", reports]);
    assert.equal(json.code, 1);
    assert.deepEqual(JSON.parse(json.stdout), {
      problems: [],
      errors: [],
      summary: { files: 1, messages: 5, invalid: 5, warnings: 0, errors: 0 },
      ok: false,
      problemsNotListed: 5,
    });
  });

  test("--max-problems needs a whole number", async () => {
    assert.deepEqual(await run(["validate", "--max-problems", "ten", reports]), {
      code: 2,
      stdout: "",
      stderr: 'envoy-tap-tunnel: --max-problems must be a whole number, not "ten"\n',
    });
  });
});
