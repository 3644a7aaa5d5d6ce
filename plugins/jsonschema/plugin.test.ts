import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { suite, test } from "node:test";
import { create, type DescFile } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema } from "@bufbuild/protobuf/wkt";
import { registry } from "../../src/registry.js";
import { jsonSchemaPlugin } from "./plugin.js";

const genDir = join(import.meta.dirname, "..", "..", "gen", "jsonschema");

/** Every file of the package's registry, dependencies first, as protoc would send them. */
function filesInDependencyOrder(): DescFile[] {
  const ordered: DescFile[] = [];
  const visit = (file: DescFile) => {
    if (ordered.includes(file)) return;
    file.dependencies.forEach(visit);
    ordered.push(file);
  };
  for (const type of registry) visit(type.file);
  return ordered;
}

/** Drops descriptions: the descriptors embedded in gen/ carry no comments, buf's request does. */
function withoutDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDescriptions);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "description")
      .map(([key, v]) => [key, withoutDescriptions(v)]),
  );
}

suite("protoc-gen-jsonschema", () => {
  const files = filesInDependencyOrder();
  const request = create(CodeGeneratorRequestSchema, {
    fileToGenerate: files.filter((f) => !f.name.startsWith("google/protobuf/")).map((f) => `${f.name}.proto`),
    protoFile: files.map((f) => f.proto),
  });
  const response = jsonSchemaPlugin.run(request);

  test("writes one schema per message and the bundle module, reading rules from the request alone", () => {
    const names = response.file.map((f) => f.name).sort();
    assert.deepEqual(names, readdirSync(genDir).sort());
  });

  test("writes what buf generate committed, comments aside", () => {
    for (const file of response.file) {
      if (!file.name.endsWith(".json")) continue;
      const committed = JSON.parse(readFileSync(join(genDir, file.name), "utf8")) as unknown;
      assert.deepEqual(withoutDescriptions(JSON.parse(file.content)), withoutDescriptions(committed), file.name);
      assert.ok(file.content.endsWith("}\n"), `${file.name} ends with a newline`);
    }
  });

  test("is deterministic", () => {
    assert.deepEqual(jsonSchemaPlugin.run(request).file.map((f) => f.content), response.file.map((f) => f.content));
  });
});
