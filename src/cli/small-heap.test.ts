import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { builtBin, ensureBuilt, repoRoot } from "./built-cli.testdata.js";

const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-small-heap-"));
before(() => ensureBuilt());
after(() => rmSync(dir, { recursive: true, force: true }));

// 400,000 lines of `{}` (1.2 MB, two 1 MiB reads): each one message with one
// problem (`node` is required). Before the framer was fed bounded slices,
// the ~350,000 frames of one read were alive at once and this run died out
// of memory under a 64 MiB heap (and peaked at ~440 MiB RSS without a cap).
test("validate --json on 400,000 tiny invalid NDJSON messages completes under a 64 MiB heap with an exact summary", async () => {
  const messages = 400_000;
  const file = join(dir, "many.StreamReverseTunnelsRequest.ndjson");
  writeFileSync(file, "{}\n".repeat(messages));
  const child = spawn(process.execPath, ["--max-old-space-size=64", builtBin(), "validate", "--json", file], {
    cwd: repoRoot,
    env: { ...process.env, GITHUB_ACTIONS: "", NO_COLOR: "", ENVOY_TAP_TUNNEL_DEBUG: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Keep only the end of stdout: the summary is last, the problems are ~100 MB.
  let tail = "";
  let problems = 0;
  let stderr = "";
  let partialLine = "";
  child.stdout.on("data", (chunk: Buffer) => {
    const text = partialLine + chunk.toString();
    const lines = text.split("\n");
    partialLine = lines.pop()!;
    for (const line of lines) if (line === '      "ruleId": "message.required",') problems++;
    tail = (tail + chunk.toString()).slice(-4096);
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  assert.equal(stderr, "");
  assert.equal(code, 1);
  const summary = /"summary": (\{[^}]*\})/.exec(tail);
  assert.ok(summary, `no summary at the end of stdout: ${tail.slice(-300)}`);
  assert.deepEqual(JSON.parse(summary[1]!), { files: 1, messages, invalid: messages, warnings: 0, errors: 0 });
  assert.equal(problems, messages);
});
