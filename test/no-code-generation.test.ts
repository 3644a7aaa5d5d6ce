import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { suite, test } from "node:test";

const repoRoot = join(import.meta.dirname, "..");

/** Production TypeScript files under `dir`, recursively (tests and their data excluded). */
function productionFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts") && !/\.test(data)?\.ts$/.test(name))
    .map((name) => join(dir, name));
}

/** The code of a file without its comments (which may name what the code must not do). */
function codeOf(file: string): string {
  return readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "");
}

/** What compiles code from strings at run time: eval, the Function constructor, ajv's compiler. */
const codeGeneration = /\beval\s*\(|\bnew\s+Function\b|\bFunction\s*\(|\.compile\s*\(|from\s+"ajv(?:\/[^"]*)?"|import\(\s*"ajv/;

suite("no code generation at run time", () => {
  test("no source file under src/ calls eval, new Function or ajv's compile, or imports ajv", () => {
    const files = productionFiles(join(repoRoot, "src"));
    assert.ok(files.length > 50, `only ${files.length} files under src/`);
    const offenders = files.filter((file) => codeGeneration.test(codeOf(file))).map((file) => relative(repoRoot, file));
    assert.deepEqual(offenders, []);
  });

  test("the check above finds each form it looks for", () => {
    for (const snippet of ['eval("1")', 'new Function("return 1")', 'Function("x")', "ajv.compile(schema)", 'import { Ajv2020 } from "ajv/dist/2020.js";', 'await import("ajv")']) {
      assert.match(snippet, codeGeneration, snippet);
    }
    assert.doesNotMatch('const pattern = new RegExp("^a$", "u"); validate(data);', codeGeneration);
  });

  test("the generated validators import nothing and compile nothing", () => {
    const code = codeOf(join(repoRoot, "gen", "jsonschema", "validators.ts"));
    assert.doesNotMatch(code, /^\s*import\b|\brequire\(|import\(/m);
    assert.doesNotMatch(code, codeGeneration);
    assert.match(code, /export const jsonSchemaValidators\b/);
  });

  test("the built CLI validates JSON where code generation from strings is refused", () => {
    // `npm test` builds dist/ first (pretest).
    assert.ok(existsSync(join(repoRoot, "dist", "src", "index.js")), "dist/ is missing: run npm run build");
    const run = (file: string) =>
      spawnSync(process.execPath, ["--disallow-code-generation-from-strings", join("bin", "envoy-tap-tunnel.js"), "validate", file], { cwd: repoRoot, encoding: "utf8" });
    const valid = run(join("examples", "valid", "report.json"));
    assert.equal(valid.status, 0, valid.stderr);
    assert.match(valid.stdout + valid.stderr, /checked 1 message in 1 file: 0 invalid/);
    const invalid = run(join("examples", "invalid", "response.json"));
    assert.equal(invalid.status, 1, invalid.stderr);
    const lines = (invalid.stdout + invalid.stderr).split("\n").filter((line) => line.startsWith("examples"));
    assert.deepEqual(lines, [
      "examples/invalid/response.json:3:22: report_interval: value must be greater than or equal to 0.025s [duration.gte]",
      "examples/invalid/response.json:4:20: request_nonce: value must be greater than or equal to 0 [int64.gte]",
    ]);
  });
});
