import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { suite, test } from "node:test";
import { create, type DescFile } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema } from "@bufbuild/protobuf/wkt";
import { Ajv2020 } from "ajv/dist/2020.js";
import { registry } from "../../src/registry.js";
import { buildFixture, T } from "../../src/validate/fixture.testdata.js";
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

suite("protoc-gen-jsonschema on rule fixtures", () => {
  const rule = { type: { case: "string", value: { minLen: 3n } } } as never;
  const fixture = buildFixture([
    { name: "Child", fields: [{ name: "name", number: 1, type: T.STRING, rules: rule }] },
    { name: "DisabledChild", disabled: true, fields: [{ name: "name", number: 1, type: T.STRING, rules: rule }] },
    { name: "IgnoredChild", ignored: true, fields: [{ name: "name", number: 1, type: T.STRING, rules: rule }] },
    {
      name: "Choice",
      oneofs: [{ name: "pick" }],
      fields: [
        { name: "child", number: 1, type: T.MESSAGE, typeName: ".fixture.v1.Child", rules: { message: { required: true } } as never, oneof: 0 },
        { name: "label", number: 2, type: T.STRING, oneof: 0 },
      ],
    },
  ]);
  const file = fixture["Child"]!.file;
  const protoFile: DescFile[] = [];
  const visit = (f: DescFile) => {
    if (protoFile.includes(f)) return;
    f.dependencies.forEach(visit);
    protoFile.push(f);
  };
  visit(file);
  const response = jsonSchemaPlugin.run(create(CodeGeneratorRequestSchema, { fileToGenerate: [file.proto.name], protoFile: protoFile.map((f) => f.proto) }));
  const nameSchema = (typeName: string) => {
    const schema = JSON.parse(response.file.find((f) => f.name === `${typeName}.schema.json`)!.content) as {
      $defs: Record<string, { properties: Record<string, Record<string, unknown>> }>;
    };
    return schema.$defs[typeName]!.properties["name"]!;
  };

  test("states the rules of a message that has them", () => {
    assert.equal(nameSchema("fixture.v1.Child")["minLength"], 3);
  });

  test("does not require a oneof member that carries message.required, as the rule engine does not", () => {
    const schema = JSON.parse(response.file.find((f) => f.name === "fixture.v1.Choice.schema.json")!.content) as object;
    const validate = new Ajv2020({ allowUnionTypes: true, strictTypes: false, strictRequired: false }).compile(schema);
    assert.equal(validate({ label: "x" }), true, JSON.stringify(validate.errors));
    assert.equal(validate({}), true, JSON.stringify(validate.errors));
    assert.equal(validate({ child: { name: "ab" } }), false, "the set member's own rules still apply");
  });

  test("states no rule of a disabled or an ignored message, as the rule engine checks none", () => {
    assert.equal(nameSchema("fixture.v1.DisabledChild")["minLength"], undefined);
    assert.equal(nameSchema("fixture.v1.IgnoredChild")["minLength"], undefined);
  });
});
