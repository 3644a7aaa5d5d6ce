import assert from "node:assert/strict";
import { join } from "node:path";
import { suite, test } from "node:test";
import { repoRoot } from "../built-cli.testdata.js";
import { main } from "../main.js";
import { memoryIO } from "../memory-io.testdata.js";

async function run(args: string[]) {
  const io = memoryIO();
  const code = await main(args, io);
  return { code, stdout: io.stdout.text(), stderr: io.stderr.text() };
}

const unknownField = join(repoRoot, "examples", "warnings", "unknown-field.Trace.pb");

suite("envoy-tap-tunnel validate: fields the schema does not declare", () => {
  test("warns of an unknown binary field with its path, number, offset and rule, and passes", async () => {
    assert.deepEqual(await run(["validate", unknownField]), {
      code: 0,
      stdout: `${unknownField} #0 @18: warning: events[0]: unknown field 6 (varint) of envoy.data.tap.v2alpha.Event [wire.unknown_field]\nchecked 1 message in 1 file: 0 invalid, 1 warning\n`,
      stderr: "",
    });
  });

  test("fails under --strict, naming the field", async () => {
    assert.deepEqual(await run(["validate", "--strict", unknownField]), {
      code: 1,
      stdout: `${unknownField} #0 @18: events[0]: unknown field 6 (varint) of envoy.data.tap.v2alpha.Event [wire.unknown_field]\nchecked 1 message in 1 file: 1 invalid\n`,
      stderr: "",
    });
  });

  test("reports it in --json with its offset", async () => {
    const run1 = await run(["validate", "--json", "--strict", unknownField]);
    assert.equal(run1.code, 1);
    const report = JSON.parse(run1.stdout) as { problems: unknown[] };
    assert.deepEqual(report.problems, [
      {
        kind: "violation",
        severity: "error",
        file: unknownField,
        index: 0,
        path: "events[0]",
        ruleId: "wire.unknown_field",
        message: "unknown field 6 (varint) of envoy.data.tap.v2alpha.Event",
        offset: 18,
      },
    ]);
  });

  test("keeps an unknown JSON key an error, not a warning", async () => {
    const typo = join(repoRoot, "examples", "invalid", "report-typo.json");
    const result = await run(["validate", typo]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /\[json\.unknown_field\]\n/);
  });
});
