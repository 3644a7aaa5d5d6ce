import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { before, suite, test } from "node:test";
import { builtBin, ensureBuilt, repoRoot } from "./built-cli.testdata.js";

before(() => ensureBuilt());

/** Runs `script` under `bash -o pipefail`, with `$CLI` naming the built CLI; its exit code and stderr. */
async function pipeline(script: string, env: Readonly<Record<string, string>> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = `'${process.execPath}' '${builtBin()}'`;
  const child = spawn("bash", ["-o", "pipefail", "-c", script.replaceAll("$CLI", cli)], {
    cwd: repoRoot,
    env: { ...process.env, GITHUB_ACTIONS: "", NO_COLOR: "", ENVOY_TAP_TUNNEL_DEBUG: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  return { code, stdout, stderr };
}

suite("envoy-tap-tunnel behind a pipe whose reader goes away (built CLI)", () => {
  test("validate examples/invalid | head -1 exits 1 under pipefail, every time", async () => {
    for (let run = 0; run < 5; run++) {
      const result = await pipeline("$CLI validate examples/invalid | head -1");
      assert.equal(result.stderr, "", `run ${run}`);
      assert.equal(result.stdout.split("\n").length, 2, `run ${run}: one line through head`);
      assert.equal(result.code, 1, `run ${run}`);
    }
  });

  test("a closed stderr does not change the exit code either", async () => {
    // With --json on GitHub Actions, every problem is also an annotation on stderr.
    for (let run = 0; run < 3; run++) {
      const result = await pipeline("$CLI validate --json examples/invalid 2>&1 >/dev/null | head -1", { GITHUB_ACTIONS: "true" });
      assert.match(result.stdout, /^::error file=/, `run ${run}`);
      assert.equal(result.code, 1, `run ${run}`);
    }
  });

  test("a valid run that loses its reader still exits 0, and a usage error 2", async () => {
    assert.equal((await pipeline("$CLI validate examples/valid | head -c 0")).code, 0);
    assert.equal((await pipeline("$CLI types | head -1")).code, 0);
    assert.equal((await pipeline("$CLI validate --type Nope examples/valid 2>&1 | head -c 0")).code, 2);
  });
});
