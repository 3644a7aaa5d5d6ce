import { readFileSync } from "node:fs";
import { join } from "node:path";
import { suite, test } from "node:test";
import assert from "node:assert/strict";
import { benchmarkOutputFile } from "./output-file.js";

suite("benchmarkOutputFile", () => {
  test("a full-scale run writes the committed BENCHMARKS.md", () => {
    assert.equal(benchmarkOutputFile(undefined), "BENCHMARKS.md");
    assert.equal(benchmarkOutputFile("1"), "BENCHMARKS.md");
    assert.equal(benchmarkOutputFile("1.0"), "BENCHMARKS.md");
  });

  test("a scaled run writes BENCHMARKS.quick.md, never the committed file", () => {
    for (const scale of ["0.05", "0.5", "2", "", "0", "quick"]) {
      assert.equal(benchmarkOutputFile(scale), "BENCHMARKS.quick.md", `BENCH_SCALE=${JSON.stringify(scale)}`);
    }
  });

  test("git ignores the quick file", () => {
    const ignored = readFileSync(join(import.meta.dirname, "..", ".gitignore"), "utf8").split("\n");
    assert.ok(ignored.includes("BENCHMARKS.quick.md"), ".gitignore lists BENCHMARKS.quick.md");
  });

  test("bench/main.ts writes to the file this function names", () => {
    const main = readFileSync(join(import.meta.dirname, "main.ts"), "utf8");
    assert.match(main, /benchmarkOutputFile\(process\.env\["BENCH_SCALE"\]\)/);
    assert.doesNotMatch(main, /"BENCHMARKS\.md"/, "main.ts names no output file of its own");
  });
});
