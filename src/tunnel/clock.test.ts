import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { suite, test } from "node:test";

/** Runs a script in a fresh Node process and returns how long it lived, in ms. */
function lifetime(script: string): number {
  const started = Date.now();
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: import.meta.dirname, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return Date.now() - started;
}

suite("systemTimers and backgroundTimers", () => {
  test("a pending systemTimers timer keeps the process alive; a backgroundTimers one does not", () => {
    const module = JSON.stringify(new URL("./clock.ts", import.meta.url).href);
    const held = lifetime(`const { systemTimers } = await import(${module}); systemTimers.setTimeout(() => {}, 1500);`);
    assert.ok(held >= 1500, `held ${held}ms`);
    // Had the process waited for it, the timer would have set exit code 3 (lifetime asserts 0).
    lifetime(`const { backgroundTimers } = await import(${module}); backgroundTimers.setTimeout(() => { process.exitCode = 3; }, 1500);`);
  });

  test("clearTimeout disarms both", () => {
    const module = JSON.stringify(new URL("./clock.ts", import.meta.url).href);
    // A timer that fired would set exit code 4 or 5 (lifetime asserts 0).
    lifetime(
      `const { systemTimers, backgroundTimers } = await import(${module});` +
        `systemTimers.clearTimeout(systemTimers.setTimeout(() => { process.exitCode = 4; }, 1500));` +
        `backgroundTimers.clearTimeout(backgroundTimers.setTimeout(() => { process.exitCode = 5; }, 10));` +
        `await new Promise((r) => setTimeout(r, 50));`,
    );
  });
});
