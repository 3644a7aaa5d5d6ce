import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, suite, test } from "node:test";
import { main } from "./main.js";
import { memoryIO, type MemoryIOOptions } from "./memory-io.testdata.js";

const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-empty-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], options: MemoryIOOptions = {}) {
  const io = memoryIO(options);
  const code = await main(args, io);
  return { code, stdout: io.stdout.text(), stderr: io.stderr.text() };
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const emptyFile = (path: string) => `${path}: empty file: it holds no message (pass --allow-empty to accept empty inputs) [input.empty]\n`;
const failed = "checked 0 messages in 1 file: 1 invalid\n";

const cases: readonly (readonly [name: string, content: string])[] = [
  ["empty.json", ""],
  ["blank.json", " \n\t\r\n"],
  ["array.json", "[]"],
  ["spaced-array.json", "\uFEFF [ \n ]\n"],
  ["empty.ndjson", ""],
  ["blank.ndjson", "\n\n   \n"],
  ["empty.pb_text", ""],
  ["comments.pb_text", "# nothing was captured\n\n# at all\n"],
  ["empty.pb", ""],
  ["empty.pb_length_delimited", ""],
];

suite("validate on inputs with no message", () => {
  for (const [name, content] of cases) {
    test(`${JSON.stringify(content)} as ${name} is input.empty, with --type and without`, async () => {
      const path = file(name, content);
      assert.deepEqual(await run(["validate", "--type", "Trace", path]), { code: 1, stdout: emptyFile(path) + failed, stderr: "" });
      // Without --type: "empty file", not a failure to infer the type.
      assert.deepEqual(await run(["validate", path]), { code: 1, stdout: emptyFile(path) + failed, stderr: "" });
    });
  }

  test("--allow-empty lets them pass", async () => {
    for (const [name, content] of cases) {
      const path = file(name, content);
      assert.deepEqual(await run(["validate", "--allow-empty", path]), { code: 0, stdout: "checked 0 messages in 1 file: 0 invalid\n", stderr: "" }, name);
    }
  });

  test("--allow-empty checks an empty binary or text input of a known type as the one message it encodes", async () => {
    // A Connection with no field set is valid; a StreamReverseTunnelsRequest needs its node.
    const connection = file("none.Connection.pb", "");
    assert.deepEqual(await run(["validate", "--allow-empty", connection]), { code: 0, stdout: "checked 1 message in 1 file: 0 invalid\n", stderr: "" });
    const request = file("none.StreamReverseTunnelsRequest.pb_text", "\n");
    const result = await run(["validate", "--allow-empty", request]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /node: value is required \[message\.required\]\nchecked 1 message in 1 file: 1 invalid\n$/);
  });

  test("empty and blank standard input, without --type", async () => {
    const line = "<stdin>: empty input: it holds no message (pass --allow-empty to accept empty inputs) [input.empty]\n";
    assert.deepEqual(await run(["validate", "-"], { stdin: "" }), { code: 1, stdout: line + failed, stderr: "" });
    assert.deepEqual(await run(["validate", "-"], { stdin: "  \n\n" }), { code: 1, stdout: line + failed, stderr: "" });
    assert.deepEqual(await run(["validate", "--allow-empty", "-"], { stdin: "\n" }), { code: 0, stdout: "checked 0 messages in 1 file: 0 invalid\n", stderr: "" });
  });

  test("blank past the first 64 KiB is found by counting the messages", async () => {
    const path = file("long-blank.ndjson", " ".repeat(200 * 1024) + "\n");
    assert.deepEqual(await run(["validate", "--type", "Trace", path]), { code: 1, stdout: emptyFile(path) + failed, stderr: "" });
  });

  test("in --json, the empty file is a problem with its rule id and file", async () => {
    const path = file("empty-again.json", "");
    const run1 = await run(["validate", "--json", path]);
    assert.equal(run1.code, 1);
    assert.deepEqual(JSON.parse(run1.stdout).problems, [
      { kind: "violation", severity: "error", file: path, path: "", ruleId: "input.empty", message: "empty file: it holds no message (pass --allow-empty to accept empty inputs)" },
    ]);
  });

  test("a blank binary file named as such is a malformed message, not an empty one", async () => {
    const path = file("blank.Trace.pb", "\n");
    const result = await run(["validate", path]);
    assert.equal(result.code, 1);
    assert.doesNotMatch(result.stdout, /input\.empty/);
  });
});
