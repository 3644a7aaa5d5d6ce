import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, suite, test } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { sizeDelimitedEncode } from "@bufbuild/protobuf/wire";
import { TraceSchema } from "../index.js";
import { main } from "./main.js";
import { memoryIO } from "./memory-io.testdata.js";

const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-limit-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = memoryIO();
  const code = await main(args, io);
  return { code, stdout: io.stdout.text(), stderr: io.stderr.text() };
}

const trace = create(TraceSchema, {
  connection: { id: 7n },
  events: [{ timestamp: { seconds: 1n }, eventSelector: { case: "read", value: { data: new Uint8Array(100).fill(97) } } }],
});
const binary = toBinary(TraceSchema, trace);
const delimited = sizeDelimitedEncode(TraceSchema, trace);
const json = '{"connection":{"id":"7"},"events":[{"timestamp":"1970-01-01T00:00:01Z","read":{"data":"YWFhYQ=="}}]}';

const files = {
  binary: join(dir, "one.Trace.pb"),
  delimited: join(dir, "many.Trace.pb_length_delimited"),
  json: join(dir, "one.Trace.json"),
};
writeFileSync(files.binary, binary);
writeFileSync(files.delimited, Buffer.concat([delimited, delimited]));
writeFileSync(files.json, json);
// The delimited limit counts the message without its length prefix.
const sizes = { binary: binary.length, delimited: binary.length, json: json.length };

const hint = "pass --max-message-bytes N (such as 256MiB) to raise the limit";

suite("--max-message-bytes", () => {
  for (const format of ["binary", "delimited", "json"] as const) {
    test(`validate: a ${format} message one byte over the limit is input.too_large; raising the limit passes`, async () => {
      const size = sizes[format];
      const over = await run(["validate", "--max-message-bytes", String(size - 1), files[format]]);
      assert.equal(over.code, 1);
      assert.equal(over.stderr, "");
      const [line, summary] = over.stdout.split("\n");
      assert.match(line!, new RegExp(`exceeds the limit of ${size - 1} bytes; ${hint.replace(/[()]/g, "\\$&")} \\[input\\.too_large\\]$`));
      assert.match(summary!, / 1 invalid$/);
      assert.deepEqual(await run(["validate", "--max-message-bytes", String(size), files[format]]), {
        code: 0,
        stdout: `checked ${format === "delimited" ? 2 : 1} ${format === "delimited" ? "messages" : "message"} in 1 file: 0 invalid\n`,
        stderr: "",
      });
    });
  }

  test("validate --json gives the problem its rule id", async () => {
    const result = await run(["validate", "--json", "--max-message-bytes", "10B", files.json]);
    assert.equal(result.code, 1);
    const [problem] = JSON.parse(result.stdout).problems;
    assert.equal(problem.ruleId, "input.too_large");
    assert.equal(problem.file, files.json);
    assert.equal(problem.message, `cannot decode envoy.data.tap.v2alpha.Trace from json: message exceeds the limit of 10 bytes; ${hint}`);
  });

  test("convert: over the limit exits 1 saying how to raise it; raised, it converts", async () => {
    const out = join(dir, "out.json");
    assert.deepEqual(await run(["convert", "--max-message-bytes", String(binary.length - 1), files.binary, "-o", out]), {
      code: 1,
      stdout: "",
      stderr: `envoy-tap-tunnel: ${files.binary} #0 @0: cannot decode envoy.data.tap.v2alpha.Trace from binary: the input is one message and exceeds the limit of ${binary.length - 1} bytes; ${hint} [input.too_large]\n`,
    });
    assert.deepEqual(await run(["convert", "--max-message-bytes", "1KiB", files.binary, "-o", out]), { code: 0, stdout: "", stderr: "" });
    assert.match(readFileSync(out, "utf8"), /"connection":\{"id":"7"\}/);
  });

  test("a size the option cannot read is a usage error", async () => {
    const result = await run(["validate", "--max-message-bytes", "64MB", files.json]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--max-message-bytes must be a number of bytes/);
  });
});
