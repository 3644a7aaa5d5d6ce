import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, suite, test } from "node:test";
import { ensureBuilt, lines, runCli } from "./built-cli.testdata.js";

before(() => ensureBuilt());

const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-hostile-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const forged = "\n::error file=src/evil.ts,line=1::pwned";
// The file name and a key of the payload both try to start a workflow command of their own.
// (A file name cannot hold the "/" of src/evil.ts.)
const file = join(dir, `x${forged.replace("/", "_")}.Trace.json`);
writeFileSync(file, `{"connection":{"id":"1"},${JSON.stringify(forged)}:1,"events":[{"read":{"data":"YQ=="},"\\u001b[31m":2}]}`);

/** Lines of output that a GitHub runner would read as workflow commands. */
function commands(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((line) => line.startsWith("::"));
}

suite("envoy-tap-tunnel validate on hostile keys and file names (built CLI)", () => {
  test("lines and annotations: only the CLI's own workflow commands, no raw control characters", async () => {
    const run = await runCli(["validate", dir], { env: { GITHUB_ACTIONS: "true" } });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, "");
    const own = commands(run.stdout);
    assert.equal(own.length, 2, run.stdout);
    for (const line of own) assert.match(line, /^::error file=[^\n]*x\\n%3A%3Aerror file=src_evil\.ts%2Cline=1%3A%3Apwned\.Trace\.json,line=1,col=\d+,title=json\.unknown_field::/);
    assert.doesNotMatch(run.stdout, /[\x00-\x09\x0b-\x1f\x7f]/);
    assert.equal(lines(run.stdout).length, 5);
    assert.ok(lines(run.stdout).some((line) => line.includes('unknown field "\\n::error file=src/evil.ts,line=1::pwned"')));
    assert.ok(lines(run.stdout).some((line) => line.includes('unknown field "\\u001b[31m"')));
  });

  test("--json: stdout parses to the exact names, stderr holds only the CLI's annotations", async () => {
    const run = await runCli(["validate", "--json", dir], { env: { GITHUB_ACTIONS: "true" } });
    assert.equal(run.code, 1);
    assert.deepEqual(commands(run.stdout), []);
    assert.doesNotMatch(run.stdout, /[\x00-\x09\x0b-\x1f\x7f]/);
    const report = JSON.parse(run.stdout) as { problems: { file: string; message: string }[] };
    assert.deepEqual(report.problems.map((p) => [p.file, p.message]), [
      [file, `unknown field "${forged}" of envoy.data.tap.v2alpha.Trace`],
      [file, 'unknown field "\x1b[31m" of envoy.data.tap.v2alpha.Event'],
    ]);
    assert.equal(commands(run.stderr).length, 2);
    assert.doesNotMatch(run.stderr, /[\x00-\x09\x0b-\x1f\x7f]/);
  });

  test("an error naming a hostile path stays on one line", async () => {
    const missing = join(dir, `gone${forged.replace("/", "_")}`);
    const run = await runCli(["validate", missing], { env: { GITHUB_ACTIONS: "true" } });
    assert.equal(run.code, 2);
    assert.deepEqual(commands(run.stdout), [`::error::cannot read ${missing.replace("\n", "\\n").replace(/%/g, "%25")}: no such file or directory`]);
    assert.deepEqual(lines(run.stderr), [`envoy-tap-tunnel: cannot read ${missing.replace("\n", "\\n")}: no such file or directory`]);
  });
});
