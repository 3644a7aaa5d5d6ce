import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, suite, test } from "node:test";
import { binaryExamples } from "../../examples/make-binary.js";
import { packageInfo } from "./package-root.js";
import { ensureBuilt, lines, repoRoot, runCli } from "./built-cli.testdata.js";
import { invalidOutput, validOutput, warningsOutput } from "./examples.testdata.js";
import { MAIN_HELP } from "./help.js";
import { main } from "./main.js";
import { memoryIO } from "./memory-io.testdata.js";

before(() => ensureBuilt());

suite("envoy-tap-tunnel validate on examples/ (built CLI)", () => {
  test("the README's first command passes on examples/valid", async () => {
    const child = spawn("npx", ["--no-install", "envoy-tap-tunnel", "validate", "examples/valid"], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    assert.equal(code, 0);
    assert.deepEqual(lines(stdout), validOutput);
  });

  test("examples/valid: exit 0 and the summary only", async () => {
    assert.deepEqual(await runCli(["validate", "examples/valid"]), { code: 0, stdout: `${validOutput.join("\n")}\n`, stderr: "" });
  });

  test("examples/invalid: exit 1 and one line per problem", async () => {
    const run = await runCli(["validate", "examples/invalid"]);
    assert.equal(run.stderr, "");
    assert.deepEqual(lines(run.stdout), invalidOutput);
    assert.equal(run.code, 1);
  });

  test("examples/README.md shows exactly what the CLI prints for examples/invalid", () => {
    const readme = readFileSync(join(repoRoot, "examples", "README.md"), "utf8");
    assert.ok(readme.includes(`$ npx envoy-tap-tunnel validate examples/invalid\n${invalidOutput.join("\n")}\n$ echo $?\n1\n`));
  });

  test("examples/README.md shows exactly what the CLI prints for examples/warnings", () => {
    const readme = readFileSync(join(repoRoot, "examples", "README.md"), "utf8");
    assert.ok(readme.includes(`$ npx envoy-tap-tunnel validate examples/warnings\n${warningsOutput.join("\n")}\n$ echo $?\n0\n`));
  });

  test("the main README's excerpt of examples/invalid matches the CLI's output", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const block = /\$ npx envoy-tap-tunnel validate examples\/invalid\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, "README.md shows the output for examples/invalid");
    const shown = block[1]!.trimEnd().split("\n");
    assert.equal(shown.at(-1), invalidOutput.at(-1), "the summary line");
    const excerpt = shown.slice(0, -1).filter((line) => line !== "...");
    assert.ok(excerpt.length >= 3);
    for (const line of excerpt) assert.ok(invalidOutput.includes(line), `README line not printed by the CLI: ${line}`);
  });

  test("every file of examples/invalid fails on its own, every file of examples/valid passes", async () => {
    for (const kind of ["invalid", "valid"] as const) {
      for (const name of readdirSync(join(repoRoot, "examples", kind))) {
        const run = await runCli(["validate", `examples/${kind}/${name}`]);
        assert.equal(run.code, kind === "valid" ? 0 : 1, `${name}: ${run.stdout}${run.stderr}`);
      }
    }
  });

  test("examples/warnings: exit 0 with warnings, exit 1 under --strict", async () => {
    assert.deepEqual(await runCli(["validate", "examples/warnings"]), { code: 0, stdout: `${warningsOutput.join("\n")}\n`, stderr: "" });
    const strict = await runCli(["validate", "--strict", "examples/warnings"]);
    assert.equal(strict.code, 1);
    assert.deepEqual(lines(strict.stdout), [
      ...warningsOutput.slice(0, -1).map((line) => line.replace(": warning: ", ": ")),
      "checked 4 messages in 4 files: 4 invalid",
    ]);
  });

  test("--json prints one report with every problem", async () => {
    const run = await runCli(["validate", "--json", "examples/invalid"]);
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout) as { ok: boolean; summary: unknown; problems: Record<string, unknown>[]; errors: unknown[] };
    assert.equal(report.ok, false);
    assert.deepEqual(report.summary, { files: 17, messages: 21, invalid: 17, warnings: 0, errors: 0 });
    assert.equal(report.problems.length, invalidOutput.length - 1);
    assert.deepEqual(report.problems.find((p) => p["file"] === "examples/invalid/report.json" && p["path"] === "nonce"), {
      kind: "violation",
      severity: "error",
      file: "examples/invalid/report.json",
      index: 0,
      line: 9,
      column: 12,
      path: "nonce",
      ruleId: "int64.gte",
      message: "value must be greater than or equal to 0",
    });
    assert.deepEqual(report.errors, []);
  });

  test("GITHUB_ACTIONS=true adds a workflow annotation after each problem", async () => {
    const run = await runCli(["validate", "examples/invalid/response.json", "examples/invalid/read-and-write.Trace.pb"], {
      env: { GITHUB_ACTIONS: "true" },
    });
    assert.equal(run.code, 1);
    assert.deepEqual(lines(run.stdout), [
      "examples/invalid/response.json:3:22: report_interval: value must be greater than or equal to 0.025s [duration.gte]",
      "::error file=examples/invalid/response.json,line=3,col=22,title=duration.gte::report_interval: value must be greater than or equal to 0.025s",
      "examples/invalid/response.json:4:20: request_nonce: value must be greater than or equal to 0 [int64.gte]",
      "::error file=examples/invalid/response.json,line=4,col=20,title=int64.gte::request_nonce: value must be greater than or equal to 0",
      "examples/invalid/read-and-write.Trace.pb #0 @18: events[0].event_selector: at most one of read, write may be set [oneof.multiple]",
      "::error file=examples/invalid/read-and-write.Trace.pb,title=oneof.multiple::#0 @18: events[0].event_selector: at most one of read, write may be set",
      "checked 2 messages in 2 files: 2 invalid",
    ]);
  });

  test("reads standard input, inferring the type from the keys", async () => {
    const ndjson = readFileSync(join(repoRoot, "examples", "valid", "reports.ndjson"));
    assert.deepEqual(await runCli(["validate", "-"], { stdin: ndjson }), {
      code: 0,
      stdout: "checked 2 messages in 1 file: 0 invalid\n",
      stderr: "",
    });
    const binary = readFileSync(join(repoRoot, "examples", "valid", "trace.Trace.pb"));
    const untyped = await runCli(["validate", "-"], { stdin: binary });
    assert.equal(untyped.code, 2);
    assert.equal(
      untyped.stderr,
      "envoy-tap-tunnel: <stdin>: cannot tell the message type of binary input, which has no field names; pass --type (for example --type Trace) or name the file after its type (Trace.pb)\n",
    );
  });

  test("prints no color escapes when stdout is not a terminal", async () => {
    const run = await runCli(["validate", "examples/invalid"]);
    assert.doesNotMatch(run.stdout + run.stderr, /\x1b\[/);
  });
});

suite("envoy-tap-tunnel help, version, types, schema (built CLI)", () => {
  test("--help and --version", async () => {
    assert.deepEqual(await runCli(["--help"]), { code: 0, stdout: MAIN_HELP, stderr: "" });
    assert.deepEqual(await runCli(["--version"]), { code: 0, stdout: `${packageInfo().version}\n`, stderr: "" });
  });

  test("types and schema", async () => {
    const types = await runCli(["types"]);
    assert.equal(types.code, 0);
    assert.ok(lines(types.stdout).includes("Trace                               envoy.data.tap.v2alpha.Trace"), types.stdout);
    const schema = await runCli(["schema", "envoy.data.tap.v2alpha.Trace"]);
    assert.equal(schema.code, 0);
    assert.equal(JSON.parse(schema.stdout).$id, JSON.parse(readFileSync(join(repoRoot, "gen", "jsonschema", "envoy.data.tap.v2alpha.Trace.schema.json"), "utf8")).$id);
    assert.deepEqual(await runCli(["schema", "Trac"]), { code: 2, stdout: "", stderr: 'envoy-tap-tunnel: unknown type "Trac"; did you mean "Trace" or "HttpBufferedTrace" or "HttpBufferedTrace.Message"?\n' });
  });
});

suite("examples/make-binary.ts", () => {
  test("the committed binary examples are what the script writes", () => {
    for (const [path, bytes] of binaryExamples()) {
      assert.deepEqual(new Uint8Array(readFileSync(join(repoRoot, "examples", path))), bytes, `${path}: run npx tsx examples/make-binary.ts`);
    }
  });
});

/** The type of a valid example, from its name (the temporary files of the round trip do not say). */
function exampleType(name: string): string {
  if (name.startsWith("response")) return "StreamReverseTunnelsResponse";
  if (name.startsWith("report")) return "StreamReverseTunnelsRequest";
  if (name.startsWith("grpc-client")) return "GrpcClientConfig";
  return "Trace";
}

suite("convert round trips of every valid example (in-process)", () => {
  const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-convert-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function convert(args: string[]): Promise<void> {
    const io = memoryIO();
    const code = await main(["convert", ...args], io);
    assert.equal(code, 0, `convert ${args.join(" ")}: ${io.stderr.text()}`);
  }

  test("any format to delimited, NDJSON and back gives the same bytes; single messages also to json, text and binary", async () => {
    const examples = readdirSync(join(repoRoot, "examples", "valid"));
    for (const name of examples) {
      const source = join(repoRoot, "examples", "valid", name);
      const type = ["--type", exampleType(name)];
      const first = join(dir, `${name}.1.pb_length_delimited`);
      const ndjson = join(dir, `${name}.ndjson`);
      const second = join(dir, `${name}.2.pb_length_delimited`);
      await convert([...type, source, "-o", first]);
      await convert([...type, first, "-o", ndjson]);
      await convert([...type, ndjson, "-o", second]);
      assert.deepEqual(readFileSync(second), readFileSync(first), name);
      if (readFileSync(ndjson, "utf8").trimEnd().split("\n").length !== 1) continue;
      for (const target of ["json", "pb_text", "pb"]) {
        const out = join(dir, `${name}.single.${target}`);
        const back = join(dir, `${name}.single.${target}.pb_length_delimited`);
        await convert([...type, first, "-o", out]);
        await convert([...type, out, "-o", back]);
        assert.deepEqual(readFileSync(back), readFileSync(first), `${name} through ${target}`);
      }
    }
  });
});
