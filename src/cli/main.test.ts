import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, suite, test } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { TraceSchema } from "../index.js";
import { CONVERT_HELP, MAIN_HELP, SCHEMA_HELP, TYPES_HELP, VALIDATE_HELP } from "./help.js";
import { main } from "./main.js";
import { memoryIO, type MemoryIOOptions } from "./memory-io.testdata.js";
import { packageInfo } from "./package-root.js";

const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], options: MemoryIOOptions = {}) {
  const io = memoryIO(options);
  const code = await main(args, io);
  return { code, stdout: io.stdout.text(), stderr: io.stderr.text() };
}

const validTrace = '{"connection":{"id":"1"},"events":[{"timestamp":"2026-11-21T09:00:00Z","read":{"data":"YQ=="}}]}';

suite("main(): help, version and usage errors", () => {
  test("prints the version from package.json", async () => {
    assert.deepEqual(await run(["--version"]), { code: 0, stdout: `${packageInfo().version}\n`, stderr: "" });
    assert.deepEqual(await run(["validate", "--version"]), { code: 0, stdout: `${packageInfo().version}\n`, stderr: "" });
  });

  test("prints help for the program and every command", async () => {
    assert.deepEqual(await run(["--help"]), { code: 0, stdout: MAIN_HELP, stderr: "" });
    assert.deepEqual(await run(["help", "convert"]), { code: 0, stdout: CONVERT_HELP, stderr: "" });
    for (const [command, help] of [["validate", VALIDATE_HELP], ["convert", CONVERT_HELP], ["schema", SCHEMA_HELP], ["types", TYPES_HELP]] as const) {
      assert.deepEqual(await run([command, "--help"]), { code: 0, stdout: help, stderr: "" }, command);
    }
  });

  test("without a command prints the help on stderr and exits 2", async () => {
    assert.deepEqual(await run([]), { code: 2, stdout: "", stderr: MAIN_HELP });
  });

  test("rejects an unknown command, even one named like an Object property", async () => {
    for (const name of ["frobnicate", "__proto__", "constructor"]) {
      assert.deepEqual(await run([name]), {
        code: 2,
        stdout: "",
        stderr: `envoy-tap-tunnel: unknown command "${name}"; the commands are validate, convert, schema, types, tap, serve, report (see envoy-tap-tunnel --help)\n`,
      });
    }
  });

  test("suggests the command or option a typo meant", async () => {
    assert.deepEqual(await run(["valdate", "x"]), {
      code: 2,
      stdout: "",
      stderr: 'envoy-tap-tunnel: unknown command "valdate"; did you mean "validate"? (see envoy-tap-tunnel --help)\n',
    });
    assert.deepEqual(await run(["validate", "--stirct", "x"]), {
      code: 2,
      stdout: "",
      stderr: "envoy-tap-tunnel: unknown option --stirct; did you mean --strict? see envoy-tap-tunnel validate --help\n",
    });
    assert.deepEqual(await run(["convert", "--allow-unknwon-loss"]), {
      code: 2,
      stdout: "",
      stderr: "envoy-tap-tunnel: unknown option --allow-unknwon-loss; did you mean --allow-unknown-loss? see envoy-tap-tunnel convert --help\n",
    });
    assert.deepEqual(await run(["--verison"]), {
      code: 2,
      stdout: "",
      stderr: "envoy-tap-tunnel: unknown option --verison; did you mean --version? see envoy-tap-tunnel --help\n",
    });
    assert.deepEqual(await run(["validate", "--frobnicate", "x"]), {
      code: 2,
      stdout: "",
      stderr: "envoy-tap-tunnel: unknown option --frobnicate; see envoy-tap-tunnel validate --help\n",
    });
  });

  test("rejects an unknown type with suggestions", async () => {
    assert.deepEqual(await run(["validate", "--type", "Trac", "x.json"]), {
      code: 2,
      stdout: "",
      stderr: 'envoy-tap-tunnel: unknown type "Trac"; did you mean "Trace" or "HttpBufferedTrace" or "HttpBufferedTrace.Message"?\n',
    });
  });

  test("turns an unexpected error into one line, with the stack only on request", async () => {
    const broken = memoryIO();
    const io = { ...broken, stdout: { isTTY: false, write: async () => { throw new TypeError("boom\nsecond line"); } } };
    assert.equal(await main(["types"], io), 2);
    assert.equal(broken.stderr.text(), "envoy-tap-tunnel: internal error: boom second line (set ENVOY_TAP_TUNNEL_DEBUG=1 to print the stack trace)\n");

    const debugging = memoryIO({ env: { ENVOY_TAP_TUNNEL_DEBUG: "1" } });
    assert.equal(await main(["types"], { ...debugging, stdout: io.stdout }), 2);
    const [first, second] = debugging.stderr.text().split("\n");
    assert.equal(first, "envoy-tap-tunnel: internal error: boom second line");
    assert.match(second!, /^TypeError: boom/);
  });
});

suite("main(): validate", () => {
  test("reads standard input with a type inferred from its keys", async () => {
    assert.deepEqual(await run(["validate", "-"], { stdin: `${validTrace}\n${validTrace}\n` }), {
      code: 0,
      stdout: "checked 2 messages in 1 file: 0 invalid\n",
      stderr: "",
    });
  });

  test("refuses binary input without a type, saying what to pass", async () => {
    const file = join(dir, "capture_1.pb");
    writeFileSync(file, toBinary(TraceSchema, create(TraceSchema, { connection: { id: 1n } })));
    assert.deepEqual(await run(["validate", file]), {
      code: 2,
      stdout: "checked 0 messages in 0 files: 0 invalid, 1 path not checked\n",
      stderr: `envoy-tap-tunnel: ${file}: cannot tell the message type of binary input, which has no field names; pass --type (for example --type Trace) or name the file after its type (Trace.pb)\n`,
    });
    assert.deepEqual(await run(["validate", "--type", "Trace", file]), { code: 0, stdout: "checked 1 message in 1 file: 0 invalid\n", stderr: "" });
  });

  test("names both candidates when the keys fit two types", async () => {
    const file = join(dir, "read.json");
    writeFileSync(file, '{"data": "YQ=="}');
    const result = await run(["validate", file]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, `envoy-tap-tunnel: ${file}: the field names fit Event.Read, Event.Write equally well; pass --type\n`);
  });

  test("reports a nonexistent path and still checks the others", async () => {
    const file = join(dir, "one.json");
    writeFileSync(file, validTrace);
    assert.deepEqual(await run(["validate", join(dir, "missing.json"), file]), {
      code: 2,
      stdout: "checked 1 message in 1 file: 0 invalid, 1 path not checked\n",
      stderr: `envoy-tap-tunnel: cannot read ${join(dir, "missing.json")}: no such file or directory\n`,
    });
  });

  test("reports a directory without read permission (exit 2)", async (t) => {
    const locked = join(dir, "locked");
    mkdirSync(locked);
    writeFileSync(join(locked, "a.json"), validTrace);
    chmodSync(locked, 0o000);
    let readable = true;
    try {
      readdirSync(locked);
    } catch {
      readable = false;
    }
    const options: MemoryIOOptions = {};
    if (readable) {
      // Root (as in most CI containers) reads past mode 000, so the denial is
      // injected into the file system the command sees instead.
      t.diagnostic("chmod 000 does not deny reads here (running as root); injecting EACCES for the directory");
      Object.assign(options, { failing: { [locked]: "EACCES" } });
    }
    try {
      assert.deepEqual(await run(["validate", locked], options), {
        code: 2,
        stdout: "checked 0 messages in 0 files: 0 invalid, 2 paths not checked\n",
        stderr: [
          `envoy-tap-tunnel: cannot read directory ${locked}: permission denied`,
          `envoy-tap-tunnel: ${locked} holds no file with a payload extension (.json, .ndjson, .pb_text, .pb, .pb_length_delimited, ...)`,
          "",
        ].join("\n"),
      });
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  test("shows a progress line for a large input only on a terminal, and erases it", async () => {
    const file = join(dir, "big.ndjson");
    writeFileSync(file, `${validTrace}\n`.repeat(50));
    const onTerminal = await run(["validate", file], { stderrIsTTY: true, progressThresholdBytes: 100 });
    assert.equal(onTerminal.code, 0);
    assert.equal(onTerminal.stderr, `\r\x1b[K${file}: 0 of 0 MiB (100%)\r\x1b[K`);
    const piped = await run(["validate", file], { stderrIsTTY: false, progressThresholdBytes: 100 });
    assert.equal(piped.stderr, "");
  });

  test("--strict fails on warnings", async () => {
    const file = join(dir, "late.json");
    writeFileSync(
      file,
      '{"events":[{"timestamp":"2026-11-21T09:00:02Z","read":{}},{"timestamp":"2026-11-21T09:00:01Z","read":{}}]}',
    );
    const warning =
      "events[1].timestamp: timestamp 2026-11-21T09:00:01Z is earlier than 2026-11-21T09:00:02Z of events[0]; events of a trace are in socket order [trace.timestamp_order]";
    assert.deepEqual(await run(["validate", file]), {
      code: 0,
      stdout: `${file}:1:72: warning: ${warning}\nchecked 1 message in 1 file: 0 invalid, 1 warning\n`,
      stderr: "",
    });
    assert.deepEqual(await run(["validate", "--strict", file]), {
      code: 1,
      stdout: `${file}:1:72: ${warning}\nchecked 1 message in 1 file: 1 invalid\n`,
      stderr: "",
    });
  });
});

suite("main(): convert", () => {
  test("converts JSON to delimited and back, through files", async () => {
    const source = join(dir, "two.ndjson");
    writeFileSync(source, `${validTrace}\n${validTrace}\n`);
    const delimited = join(dir, "two.Trace.pb_length_delimited");
    assert.deepEqual(await run(["convert", source, "-o", delimited]), { code: 0, stdout: "", stderr: "" });
    const back = await run(["convert", "--to", "ndjson", delimited]);
    assert.deepEqual(back, { code: 0, stdout: `${validTrace}\n${validTrace}\n`, stderr: "" });
    assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith(".tmp")), []);
  });

  test("writes JSON with proto names and indentation on request", async () => {
    const source = join(dir, "one-line.json");
    writeFileSync(source, '{"connection":{"id":"5","localAddress":{"pipe":{"path":"/s"}}}}');
    const result = await run(["convert", "--to", "json", "--proto-names", "--pretty", source]);
    assert.equal(result.code, 0);
    assert.deepEqual(JSON.parse(result.stdout), { connection: { id: "5", local_address: { pipe: { path: "/s" } } } });
    assert.match(result.stdout, /^\{\n {2}"connection"/);
  });

  test("refuses to drop unknown fields unless told to, and keeps them in binary", async () => {
    // A Trace with an unknown field 9 inside its connection, as a newer Envoy could write.
    const connection = new BinaryWriter().tag(1, WireType.Varint).uint64(3n).tag(9, WireType.Varint).int32(1).finish();
    const bytes = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(connection).finish();
    const source = join(dir, "newer.Trace.pb");
    writeFileSync(source, bytes);
    assert.deepEqual(await run(["convert", "--to", "json", source]), {
      code: 1,
      stdout: "",
      stderr: `envoy-tap-tunnel: ${source} #0 @4: connection: cannot convert envoy.data.tap.v2alpha.Trace to json: unknown field 9 (varint) of envoy.data.tap.v2alpha.Connection, which json cannot hold [wire.unknown_field] (pass --allow-loss to drop unknown fields, or convert to binary or delimited)\n`,
    });
    assert.deepEqual(await run(["convert", "--to", "json", "--allow-loss", source]), {
      code: 0,
      stdout: '{"connection":{"id":"3"}}\n',
      stderr: "",
    });
    const copy = join(dir, "copy.Trace.pb");
    assert.equal((await run(["convert", source, "-o", copy])).code, 0);
    assert.deepEqual(readFileSync(copy), Buffer.from(bytes));
  });

  test("leaves no output file behind when decoding fails", async () => {
    const source = join(dir, "broken.json");
    writeFileSync(source, '{"connection": {"id": "1"}, "events": [}');
    const target = join(dir, "broken.Trace.pb");
    const result = await run(["convert", "--type", "Trace", source, "-o", target]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`^envoy-tap-tunnel: ${source}:1:\\d+: cannot decode envoy\\.data\\.tap\\.v2alpha\\.Trace from json: .+\\n$`));
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith("broken.Trace")), []);
  });

  test("refuses --pretty for any output but json, named or implied by -o", async () => {
    for (const args of [["--to", "ndjson"], ["-o", join(dir, "x.ndjson")]]) {
      assert.deepEqual(await run(["convert", "--pretty", ...args, "x.json"]), {
        code: 2,
        stdout: "",
        stderr: "envoy-tap-tunnel: --pretty applies to json output only, not ndjson\n",
      });
    }
  });

  test("needs --to for standard output, and refuses binary on a terminal", async () => {
    assert.deepEqual(await run(["convert", "x.json"]), {
      code: 2,
      stdout: "",
      stderr: "envoy-tap-tunnel: convert needs --to FORMAT when writing to standard output\n",
    });
    assert.deepEqual(await run(["convert", "--to", "binary", "x.json"], { stdoutIsTTY: true }), {
      code: 2,
      stdout: "",
      stderr: "envoy-tap-tunnel: refusing to write binary bytes to a terminal; pass -o FILE or redirect standard output\n",
    });
  });
});

suite("main(): types and schema", () => {
  test("lists the primary types first with their short names", async () => {
    const result = await run(["types"]);
    assert.equal(result.code, 0);
    const rows = result.stdout.trimEnd().split("\n").map((line) => line.split(/\s+/));
    assert.deepEqual(rows[0], ["Connection", "envoy.data.tap.v2alpha.Connection"]);
    assert.ok(rows.some(([short, full]) => short === "Trace" && full === "envoy.data.tap.v2alpha.Trace"));
    assert.ok(rows.some(([short, full]) => short === "envoy.api.v2.core.Pipe" && full === "envoy.api.v2.core.Pipe"));
  });

  test("prints a type's JSON Schema as shipped", async () => {
    const result = await run(["schema", "Trace"]);
    assert.equal(result.code, 0);
    const file = join(packageInfo().root, "gen", "jsonschema", "envoy.data.tap.v2alpha.Trace.schema.json");
    assert.equal(result.stdout.trimEnd(), readFileSync(file, "utf8").trimEnd());
    assert.equal(JSON.parse(result.stdout).$schema, "https://json-schema.org/draft/2020-12/schema");
  });
});
