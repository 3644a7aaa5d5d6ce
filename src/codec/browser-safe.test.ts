import { readdirSync, readFileSync } from "node:fs";
import { suite, test } from "node:test";
import assert from "node:assert/strict";

/** The production files of the codec (tests and their data may use Node). */
const productionFiles = readdirSync(new URL(".", import.meta.url)).filter((name) => name.endsWith(".ts") && !/\.test(data)?\.ts$/.test(name));

suite("src/codec", () => {
  test("uses no Node-only module or global, so it runs in browsers", () => {
    assert.ok(productionFiles.length > 10);
    for (const name of productionFiles) {
      const source = readFileSync(new URL(name, import.meta.url), "utf8");
      assert.doesNotMatch(source, /from "node:|require\(|\bBuffer\b|\bprocess\./, name);
      for (const [, specifier] of source.matchAll(/^(?:import|export)\b[^;]*?\bfrom "([^"]+)"/gm)) {
        assert.ok(specifier!.startsWith(".") || specifier!.startsWith("@bufbuild/protobuf"), `${name} imports ${specifier}`);
      }
    }
  });
});
