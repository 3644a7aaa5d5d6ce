import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { suite, test } from "node:test";
import { create, type DescFile } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema } from "@bufbuild/protobuf/wkt";
import { Ajv2020 } from "ajv/dist/2020.js";
import { registry } from "../../src/registry.js";
import { buildFixture, T } from "../../src/validate/fixture.testdata.js";
import { schemaHonestyProblems } from "../../src/validate/schema-honesty.testdata.js";
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

suite("protoc-gen-jsonschema on rules JSON Schema cannot state", () => {
  const s = (value: object) => ({ type: { case: "string", value } }) as never;
  const i = (value: object) => ({ type: { case: "int64", value } }) as never;
  const d = (value: object) => ({ type: { case: "duration", value } }) as never;
  const fixture = buildFixture(
    [
      {
        name: "Everything",
        fields: [
          { name: "slug", number: 1, type: T.STRING, rules: s({ pattern: "^[a-z]+$", prefix: "a", minLen: 2n }) },
          { name: "label", number: 2, type: T.STRING, rules: s({ minBytes: 2n, in: ["ab", "cd"] }) },
          { name: "count", number: 3, type: T.INT64, rules: i({ in: [1n, 2n] }) },
          { name: "outside", number: 4, type: T.INT64, rules: i({ gt: 10n, lt: 5n }) },
          { name: "sparse", number: 5, type: T.INT64, rules: i({ gte: 5n, ignoreEmpty: true }) },
          { name: "ranged", number: 6, type: T.INT64, rules: i({ gt: -3n, lt: 1000n }) },
          { name: "tags", number: 7, type: T.STRING, repeated: true, rules: { type: { case: "repeated", value: { unique: true, minItems: 1n, items: { type: { case: "string", value: { suffix: "x" } } } } } } as never },
          { name: "at", number: 8, type: T.MESSAGE, typeName: ".google.protobuf.Timestamp", rules: { type: { case: "timestamp", value: { ltNow: true, required: true } } } as never },
          { name: "wait", number: 9, type: T.MESSAGE, typeName: ".google.protobuf.Duration", rules: d({ gt: { seconds: 1n }, lt: { seconds: 2n, nanos: 500_000_000 } }) },
          { name: "window", number: 10, type: T.MESSAGE, typeName: ".google.protobuf.Duration", rules: d({ gt: { seconds: 5n }, lt: { seconds: 1n } }) },
        ],
      },
    ],
    "honesty.proto",
  );
  const desc = fixture["Everything"]!;
  const protoFile: DescFile[] = [];
  const visit = (f: DescFile) => {
    if (protoFile.includes(f)) return;
    f.dependencies.forEach(visit);
    protoFile.push(f);
  };
  visit(desc.file);
  const response = jsonSchemaPlugin.run(create(CodeGeneratorRequestSchema, { fileToGenerate: [desc.file.proto.name], protoFile: protoFile.map((f) => f.proto) }));
  const file = JSON.parse(response.file.find((f) => f.name === "fixture.v1.Everything.schema.json")!.content) as Record<string, unknown>;
  const properties = (file["$defs"] as Record<string, { properties: Record<string, { description?: string; pattern?: string }> }>)["fixture.v1.Everything"]!.properties;

  test("names each rule it cannot state in the field's description, and no other", () => {
    const named = (field: string) => [...(properties[field]!.description ?? "").matchAll(/\b(?:string|int64|repeated|timestamp|duration)\.[a-z_]+/g)].map((m) => m[0]);
    assert.deepEqual(named("slug"), ["string.pattern", "string.prefix"]);
    assert.deepEqual(named("label"), ["string.min_bytes", "string.in"]);
    assert.deepEqual(named("count"), ["int64.in"]);
    assert.deepEqual(named("outside"), ["int64.gt_lt_exclusive"]);
    assert.deepEqual(named("sparse"), ["int64.gte"]);
    assert.deepEqual(named("ranged"), []);
    assert.deepEqual(named("tags"), ["repeated.unique", "string.suffix"]);
    assert.deepEqual(named("at"), ["timestamp.lt_now"]);
    assert.deepEqual(named("wait"), []);
    assert.deepEqual(named("window"), ["duration.gt_lt_exclusive"]);
    assert.match(properties["slug"]!.description!, /Only `envoy-tap-tunnel validate` enforces .*: string\.pattern "\^\[a-z\]\+\$"; string\.prefix "a"\./);
    assert.match(properties["window"]!.description!, /duration\.gt_lt_exclusive outside 1s\.\.5s/);
  });

  test("states the rest exactly (the honesty check passes), and the check fails without the descriptions", () => {
    assert.deepEqual(schemaHonestyProblems(desc, file), []);
    const stripped = JSON.parse(JSON.stringify(file), (key, value: unknown) => (key === "description" ? undefined : value)) as Record<string, unknown>;
    assert.deepEqual(
      schemaHonestyProblems(desc, stripped).map((p) => p.replace(/^fixture\.v1\.Everything\./, "").split(" ")[0] + " " + p.split(" ")[1]),
      ["slug: string.pattern", "slug: string.prefix", "label: string.min_bytes", "label: string.in", "count: int64.in", "outside: int64.gt_lt_exclusive", "sparse: int64.gte", "tags: repeated.unique", "tags: string.suffix", "at: timestamp.lt_now", "window: duration.gt_lt_exclusive"],
    );
  });

  test("states a duration gt/lt pair as a pattern, one nanosecond inside each bound", () => {
    const re = new RegExp(properties["wait"]!.pattern!, "u");
    assert.deepEqual(["1s", "1.000000001s", "2.499999999s", "2.5s"].map((t) => re.test(t)), [false, true, true, false]);
  });
});
