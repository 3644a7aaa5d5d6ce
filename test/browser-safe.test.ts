import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { suite, test } from "node:test";
import assert from "node:assert/strict";

const srcDir = join(import.meta.dirname, "..", "src");

/**
 * The folders DESIGN.md promises run in browsers and edge runtimes, and the
 * packages their production files may import besides relative paths.
 */
const browserSafe: readonly { readonly folder: string; readonly packages: readonly string[]; readonly minFiles?: number }[] = [
  { folder: "codec", packages: ["@bufbuild/protobuf"] },
  { folder: "validate", packages: ["@bufbuild/protobuf"] },
  { folder: "json", packages: [], minFiles: 3 },
  { folder: "validate/rules", packages: ["@bufbuild/protobuf"] },
  // The tunnel core; its Node server lives in src/tunnel/node, which this check does not cover.
  { folder: "tunnel", packages: ["@bufbuild/protobuf", "@connectrpc/connect"] },
];

suite("browser-safe folders", () => {
  for (const { folder, packages, minFiles = 6 } of browserSafe) {
    test(`src/${folder} uses no Node-only module or global`, () => {
      // Tests and their data may use Node.
      const productionFiles = readdirSync(join(srcDir, folder)).filter((name) => name.endsWith(".ts") && !/\.test(data)?\.ts$/.test(name));
      assert.ok(productionFiles.length >= minFiles, `only ${productionFiles.length} files in src/${folder}`);
      for (const name of productionFiles) {
        const source = readFileSync(join(srcDir, folder, name), "utf8");
        // Comments may name Node's APIs (to say how to feed the codec from a file); code may not use them.
        const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
        assert.doesNotMatch(code, /from "node:|require\(|\bBuffer\b|\bprocess\./, name);
        for (const [, specifier] of code.matchAll(/^(?:import|export)\b[^;]*?\bfrom "([^"]+)"/gm)) {
          assert.ok(specifier!.startsWith(".") || packages.some((p) => specifier === p || specifier!.startsWith(`${p}/`)), `${name} imports ${specifier}`);
        }
      }
    });
  }
});
