import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, suite, test } from "node:test";
import assert from "node:assert/strict";

const repoRoot = join(import.meta.dirname, "..");

/**
 * The README's library example, and the output it promises: every `// ` line
 * right after a `console.log(...)` line.
 */
function readmeExample(): { code: string; expectedOutput: string[] } {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const match = /```js\n([\s\S]*?)```/.exec(readme);
  assert.ok(match, "README has no ```js example");
  const code = match[1]!;
  const lines = code.split("\n");
  const expectedOutput: string[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith("console.log(")) return;
    const trailing = /\/\/ (.*)$/.exec(line);
    const next = lines[i + 1] ?? "";
    if (trailing) expectedOutput.push(trailing[1]!);
    else if (next.startsWith("// ")) expectedOutput.push(next.slice(3));
  });
  return { code, expectedOutput };
}

suite("the packed package", () => {
  let workDir = "";
  let consumerDir = "";

  before(() => {
    workDir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-pack-"));
    // `npm test` builds dist/ first (pretest), so the tarball is packed as is.
    const packed = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", workDir], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    const [{ filename }] = JSON.parse(packed) as [{ filename: string }];
    consumerDir = join(workDir, "consumer");
    execFileSync("mkdir", ["-p", consumerDir]);
    writeFileSync(join(consumerDir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    execFileSync(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", join(workDir, filename)],
      { cwd: consumerDir, stdio: ["ignore", "ignore", "pipe"] },
    );
  });

  after(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test("imports in plain Node, encodes and decodes a Trace", () => {
    const script = [
      'import { create, toBinary, fromBinary } from "@bufbuild/protobuf";',
      'import { TraceSchema } from "envoy-tap-tunnel";',
      "const trace = create(TraceSchema, { connection: { id: 18446744073709551615n } });",
      "console.log(fromBinary(TraceSchema, toBinary(TraceSchema, trace)).connection.id.toString());",
    ].join("\n");
    writeFileSync(join(consumerDir, "roundtrip.mjs"), script);
    const output = execFileSync("node", ["roundtrip.mjs"], { cwd: consumerDir, encoding: "utf8" });
    assert.equal(output, "18446744073709551615\n");
  });

  test("runs the README's library example with the output the README shows", () => {
    const { code, expectedOutput } = readmeExample();
    assert.ok(expectedOutput.length >= 2, "the README example documents its output");
    writeFileSync(join(consumerDir, "readme-example.mjs"), code);
    const output = execFileSync("node", ["readme-example.mjs"], { cwd: consumerDir, encoding: "utf8" });
    assert.deepEqual(output.trimEnd().split("\n"), expectedOutput);
  });

  test("ships type declarations for every entry point and no tests or sources", () => {
    const root = join(consumerDir, "node_modules", "envoy-tap-tunnel");
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      exports: Record<string, string | { types: string; default: string }>;
    };
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (typeof target === "string" || subpath.includes("*")) continue;
      assert.ok(readFileSync(join(root, target.types), "utf8").length > 0, `${subpath} has types`);
    }
    const files = execFileSync("find", [root, "-name", "*.test.*", "-o", "-name", "*.ts", "-not", "-name", "*.d.ts"], {
      encoding: "utf8",
    });
    assert.equal(files.trim(), "");
  });

  test("serves the JSON Schemas under envoy-tap-tunnel/jsonschema/", () => {
    const script = [
      'import { createRequire } from "node:module";',
      'import { readFileSync } from "node:fs";',
      "const require = createRequire(import.meta.url);",
      'const path = require.resolve("envoy-tap-tunnel/jsonschema/envoy.data.tap.v2alpha.Trace.schema.json");',
      'const schema = JSON.parse(readFileSync(path, "utf8"));',
      "console.log(schema.$schema);",
    ].join("\n");
    writeFileSync(join(consumerDir, "jsonschema.mjs"), script);
    const output = execFileSync("node", ["jsonschema.mjs"], { cwd: consumerDir, encoding: "utf8" });
    assert.equal(output, "https://json-schema.org/draft/2020-12/schema\n");
  });

  test("every subpath entry point imports", () => {
    const script = ["validate", "codec", "tap", "tunnel"]
      .map((name) => `await import("envoy-tap-tunnel/${name}");`)
      .concat('await import("envoy-tap-tunnel/gen/envoy/data/tap/v2alpha/capture_pb");', 'console.log("ok");')
      .join("\n");
    writeFileSync(join(consumerDir, "subpaths.mjs"), script);
    assert.equal(execFileSync("node", ["subpaths.mjs"], { cwd: consumerDir, encoding: "utf8" }), "ok\n");
  });
});
