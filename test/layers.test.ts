import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { suite, test } from "node:test";
import assert from "node:assert/strict";

const srcDir = join(import.meta.dirname, "..", "src");

/** DESIGN.md's layers, highest first: a layer may import only those after it. */
const layers = ["cli", "tunnel", "tap", "validate", "codec", "json", "wire", "fault"] as const;

/** Every production .ts file under `dir`, tests and their data aside. */
function productionFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts") && !/\.test(data)?\.ts$/.test(name))
    .map((name) => join(dir, name));
}

suite("layers", () => {
  for (const [rank, layer] of layers.entries()) {
    if (layer === "cli") continue;
    const higher = layers.slice(0, rank);
    test(`src/${layer} imports nothing from ${higher.map((h) => `src/${h}`).join(", ")}`, () => {
      for (const file of productionFiles(join(srcDir, layer))) {
        const source = readFileSync(file, "utf8");
        for (const [, specifier] of source.matchAll(/^(?:import|export)\b[^;]*?\bfrom "(\.[^"]+)"/gm)) {
          const target = relative(srcDir, resolve(file, "..", specifier!));
          const upward = higher.find((h) => target === h || target.startsWith(`${h}/`));
          assert.equal(upward, undefined, `${relative(srcDir, file)} imports ${specifier}`);
        }
      }
    });
  }

  // One reader per encoding: a varint's 7-bit groups are taken apart in src/wire only
  // (everything else reads tags and lengths through its cursor).
  test("no file outside src/wire decodes varints by hand", () => {
    const outside = productionFiles(srcDir).filter((file) => !relative(srcDir, file).startsWith("wire/"));
    for (const file of outside) {
      const source = readFileSync(file, "utf8");
      const match = /&\s*(0x7f|127)\b/i.exec(source);
      assert.equal(match, null, `${relative(srcDir, file)} masks 7-bit varint groups (${match?.[0]}); read through src/wire's cursor`);
    }
  });
});
