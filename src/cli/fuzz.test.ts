import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, suite, test } from "node:test";
import fc from "fast-check";
import { ensureBuilt, lines, repoRoot, runCli, type CliRun } from "./built-cli.testdata.js";
import { main } from "./main.js";
import { memoryIO } from "./memory-io.testdata.js";

const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-fuzz-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const EXTENSIONS = [".pb", ".pb_length_delimited", ".json", ".ndjson", ".pb_text"] as const;
const TYPES = ["Trace", "StreamReverseTunnelsRequest", "StreamReverseTunnelsResponse"] as const;

/**
 * What every failure must look like: exit 1 or 2, a reason on one line
 * (problem lines on stdout, `envoy-tap-tunnel: ...` lines on stderr), and
 * nothing that looks like a stack trace or an internal error.
 */
function assertCleanFailure(run: CliRun | { code: number; stdout: string; stderr: string }, label: string): void {
  assert.ok(run.code === 0 || run.code === 1 || run.code === 2, `${label}: exit ${run.code}`);
  const all = [...lines(run.stdout), ...lines(run.stderr)];
  for (const line of all) {
    assert.doesNotMatch(line, /^\s+at |internal error|Error:/, `${label}: ${line}`);
  }
  for (const line of lines(run.stderr)) assert.match(line, /^envoy-tap-tunnel: \S/, `${label}: stderr ${line}`);
}

async function inProcess(args: string[]) {
  const io = memoryIO();
  const code = await main(args, io);
  return { code, stdout: io.stdout.text(), stderr: io.stderr.text() };
}

suite("validate on hostile input (in-process, property-based)", () => {
  test("random bytes in every format and type yield exit 0-2 with one-line reasons", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 600 }),
        fc.constantFrom(...EXTENSIONS),
        fc.constantFrom(...TYPES),
        async (bytes, extension, type) => {
          const file = join(dir, `random-${n++}${extension}`);
          writeFileSync(file, bytes);
          assertCleanFailure(await inProcess(["validate", "--type", type, file]), file);
        },
      ),
      { numRuns: 40 },
    );
  });

  test("truncated and bit-flipped examples yield exit 0-2 with one-line reasons", async () => {
    const examples = readdirSync(join(repoRoot, "examples", "valid")).map((name) => join(repoRoot, "examples", "valid", name));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...examples), fc.nat(), fc.nat(), fc.boolean(), async (example, cut, flip, truncate) => {
        const bytes = new Uint8Array(readFileSync(example));
        const damaged = truncate ? bytes.subarray(0, cut % (bytes.length + 1)) : bytes.map((b, i) => (i === flip % bytes.length ? b ^ 0x5a : b));
        const name = example.slice(example.lastIndexOf("/") + 1);
        const file = join(dir, `${n++}-${name}`);
        writeFileSync(file, damaged);
        assertCleanFailure(await inProcess(["validate", file]), `${file} (from ${name})`);
      }),
      { numRuns: 40 },
    );
  });
});

suite("validate on hostile input (built CLI)", () => {
  before(() => ensureBuilt());

  function write(name: string, content: string | Uint8Array): string {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  }

  test("a truncated binary file: exit 1, one line", async () => {
    const run = await runCli(["validate", "examples/invalid/truncated.Trace.pb"]);
    assertCleanFailure(run, "truncated");
    assert.equal(run.code, 1);
    assert.deepEqual(lines(run.stdout), [
      "examples/invalid/truncated.Trace.pb #0 @109: events[1]: length-delimited value of 59 bytes runs past the end of the data (54 bytes left) [wire.truncated]",
      "checked 1 message in 1 file: 1 invalid",
    ]);
  });

  test("a varint length prefix of 6 bytes (2^40): exit 1, refused before allocating", async () => {
    const run = await runCli(["validate", "--type", "Trace", "--format", "delimited", "-"], {
      stdin: new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x0a, 0x00]),
    });
    assertCleanFailure(run, "2^40");
    assert.equal(run.code, 1);
    assert.deepEqual(lines(run.stdout), [
      "<stdin> #0 @0: cannot decode envoy.data.tap.v2alpha.Trace from delimited: length prefix is longer than 5 bytes [wire.invalid_length]",
      "checked 1 message in 1 file: 1 invalid",
    ]);
  });

  test("deeply nested JSON: exit 1", async () => {
    const depth = 100_000;
    const file = write("deep.json", `{"node":{"id":"a","metadata":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}}`);
    const run = await runCli(["validate", file]);
    assertCleanFailure(run, "deep");
    assert.equal(run.code, 1);
    assert.equal(lines(run.stdout).length, 2);
    assert.match(lines(run.stdout)[0]!, /^\S+deep\.json:1:\d+: cannot decode \S+StreamReverseTunnelsRequest from json: JSON nests deeper than \d+ levels$/);
  });

  test("__proto__ keys: exit 1, and nothing is polluted", async () => {
    const file = write("proto.json", '{"connection": {"id": "1"}, "__proto__": {"events": []}}');
    const run = await runCli(["validate", "--type", "Trace", file]);
    assertCleanFailure(run, "__proto__");
    assert.equal(run.code, 1);
    assert.equal(lines(run.stdout).length, 2);
    assert.equal(lines(run.stdout)[0], `${file}:1:29: __proto__: the key "__proto__" is not accepted [json.forbidden_key]`);
  });

  test("string-valued map keys __proto__ in binary and text: validate and convert exit 1, and nothing is lost silently", async () => {
    // ContextParams { params { key: "__proto__" value: "x" } }: protobuf-es would drop the entry.
    const key = [...Buffer.from("__proto__")];
    const entry = [0x0a, key.length, ...key, 0x12, 1, 0x78];
    const binary = write("proto.ContextParams.pb", Uint8Array.from([0x0a, entry.length, ...entry]));
    const text = write("proto.ContextParams.pb_text", 'params { key: "a" value: "b" }\nparams { key: "__pro" "to__" value: "x" }\n');
    const type = ["--type", "xds.core.v3.ContextParams"];
    const validated = await runCli(["validate", ...type, binary]);
    assertCleanFailure(validated, "validate binary");
    assert.equal(validated.code, 1);
    assert.equal(lines(validated.stdout)[0], `${binary} #0 @0: params["__proto__"]: the map key "__proto__" is not accepted (it cannot be stored safely) [wire.forbidden_key]`);
    for (const run of [await runCli(["convert", ...type, "--to", "json", binary]), await runCli(["validate", ...type, text]), await runCli(["convert", ...type, "--to", "json", text])]) {
      assertCleanFailure(run, "__proto__ key");
      assert.equal(run.code, 1);
      assert.match(`${run.stdout}${run.stderr}`, /map key "__proto__" in params is not supported \(it cannot be stored safely\)/);
      assert.doesNotMatch(run.stdout, /"params"/);
    }
  });

  test("invalid UTF-8 in JSON and text: exit 1", async () => {
    const bad = new Uint8Array([0xff, 0xfe]);
    const json = write("utf8.json", Buffer.concat([Buffer.from('{"connection": {"local_address": {"pipe": {"path": "'), bad, Buffer.from('"}}}}')]));
    const text = write("utf8.pb_text", Buffer.concat([Buffer.from('connection { local_address { pipe { path: "'), bad, Buffer.from('" } } }')]));
    for (const file of [json, text]) {
      const run = await runCli(["validate", "--type", "Trace", file]);
      assertCleanFailure(run, file);
      assert.equal(run.code, 1, `${file}: ${run.stdout}${run.stderr}`);
      assert.equal(lines(run.stdout).length, 2);
      assert.match(lines(run.stdout)[0]!, /UTF-8/i);
    }
  });

  test("a nonexistent path: exit 2, one line", async () => {
    const run = await runCli(["validate", "no/such/payloads"]);
    assert.equal(run.code, 2);
    assert.deepEqual(lines(run.stderr), ["envoy-tap-tunnel: cannot read no/such/payloads: no such file or directory"]);
    assert.deepEqual(lines(run.stdout), ["checked 0 messages in 0 files: 0 invalid, 1 path not checked"]);
  });

  test("a directory without read permission: exit 2, one line", async (t) => {
    const locked = join(dir, "locked");
    mkdirSync(locked);
    writeFileSync(join(locked, "x.json"), "{}");
    chmodSync(locked, 0o000);
    try {
      let readable = true;
      try {
        readdirSync(locked);
      } catch {
        readable = false;
      }
      let run: CliRun;
      if (readable) {
        // Root (most CI containers) reads past mode 000, so the denial is
        // injected into the file system of an in-process run instead.
        t.diagnostic("chmod 000 does not deny reads here (running as root); injecting EACCES in-process");
        const io = memoryIO({ failing: { [locked]: "EACCES" } });
        const code = await main(["validate", locked], io);
        run = { code, stdout: io.stdout.text(), stderr: io.stderr.text() };
      } else {
        run = await runCli(["validate", locked]);
      }
      assertCleanFailure(run, "unreadable directory");
      assert.equal(run.code, 2);
      assert.equal(lines(run.stderr)[0], `envoy-tap-tunnel: cannot read directory ${locked}: permission denied`);
    } finally {
      chmodSync(locked, 0o755);
    }
  });
});
