import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { suite, test } from "node:test";
import { renderTypeIndex } from "../scripts/generate-type-index.js";
import { packageFiles } from "./package-files.js";
import { loadMessageType, registry } from "./registry.js";
import { TYPE_FILES, TYPE_INDEX } from "./type-index.js";

suite("type index", () => {
  test("equals a fresh derivation from the generated files (else run scripts/generate-type-index.ts)", () => {
    assert.equal(readFileSync(join(import.meta.dirname, "type-index.ts"), "utf8"), renderTypeIndex());
  });

  test("each file's loader gives the package's own descriptor of that file", async () => {
    const files = new Map(packageFiles().map((file) => [file.name, file]));
    for (const [name, load] of Object.entries(TYPE_FILES)) assert.equal(await load(), files.get(name), name);
  });

  test("loadMessageType gives every indexed type the registry's own schema", async () => {
    for (const type of TYPE_INDEX) assert.equal(await loadMessageType(type), registry.getMessage(type.typeName), type.typeName);
  });

  test("a primary type's fields are the schema's, in both spellings", () => {
    for (const type of TYPE_INDEX.filter((t) => t.primary)) {
      const schema = registry.getMessage(type.typeName)!;
      assert.deepEqual(type.fields, schema.fields.map((f) => [f.name, f.jsonName]), type.typeName);
    }
  });
});
