import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { after, before, suite, test } from "node:test";
import assert from "node:assert/strict";
import { markdownLinks, readmeJsExample, readmeValidationExample } from "./package.testdata.js";

const repoRoot = join(import.meta.dirname, "..");
const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");

/** Runs a command; on failure the assertion shows its output, not just the exit code. */
function run(command: string, args: readonly string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    assert.fail(`${command} ${args.join(" ")} failed in ${cwd}:\n${stdout ?? ""}${stderr ?? ""}`);
  }
}

/** The newest 2.x of @bufbuild/protobuf on the registry (a consumer installing `@bufbuild/protobuf` gets it). */
function newestProtobufTwo(cwd: string): string {
  const versions = JSON.parse(run("npm", ["view", "@bufbuild/protobuf@^2", "version", "--json"], cwd)) as string | string[];
  const newest = Array.isArray(versions) ? versions.at(-1) : versions;
  assert.ok(newest && /^2\.\d+\.\d+$/.test(newest), `npm view gave ${JSON.stringify(versions)}`);
  return newest;
}

/** Every consumer file, as one TypeScript project per module resolution. */
function typeCheck(consumerDir: string, moduleResolution: "node10" | "node16", files: readonly string[], outDir?: string): void {
  const module = moduleResolution === "node10" ? "ES2022" : "Node16";
  const config = {
    compilerOptions: {
      target: "ES2022",
      module,
      moduleResolution,
      lib: ["ES2022", "DOM"],
      types: [],
      strict: true,
      skipLibCheck: false,
      ...(outDir ? { outDir } : { noEmit: true }),
    },
    files,
  };
  const configFile = `tsconfig.${moduleResolution}.json`;
  writeFileSync(join(consumerDir, configFile), JSON.stringify(config, null, 2));
  run("node", [tsc, "-p", configFile], consumerDir);
}

suite("the packed package, installed beside the newest @bufbuild/protobuf 2.x", () => {
  let workDir = "";
  let consumerDir = "";
  let packedFiles: string[] = [];
  let protobufVersion = "";
  let installedRoot = "";

  before(() => {
    workDir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-pack-"));
    // `npm test` builds dist/ first (pretest), so the tarball is packed as is.
    const packed = JSON.parse(run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", workDir], repoRoot)) as [
      { filename: string; files: { path: string }[] },
    ];
    packedFiles = packed[0].files.map((file) => file.path);
    consumerDir = join(workDir, "consumer");
    mkdirSync(consumerDir);
    writeFileSync(join(consumerDir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    protobufVersion = newestProtobufTwo(consumerDir);
    // The exact newest version is known, so the cache may serve it: --prefer-offline
    // saves the metadata round trips without installing anything older.
    run(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        join(workDir, packed[0].filename),
        `@bufbuild/protobuf@${protobufVersion}`,
      ],
      consumerDir,
    );
    installedRoot = join(consumerDir, "node_modules", "envoy-tap-tunnel");
    writeFileSync(join(consumerDir, "readme-example.ts"), readmeJsExample().code);
    writeFileSync(join(consumerDir, "readme-example.mjs"), readmeJsExample().code);
    writeFileSync(join(consumerDir, "readme-validation.ts"), readmeValidationExample().code);
    writeFileSync(
      join(consumerDir, "subpaths.ts"),
      [
        'import { TraceSchema } from "envoy-tap-tunnel";',
        'import { validate } from "envoy-tap-tunnel/validate";',
        'import { readMessages } from "envoy-tap-tunnel/codec";',
        'import { traceWarnings } from "envoy-tap-tunnel/tap";',
        'import { TunnelRegistry } from "envoy-tap-tunnel/tunnel";',
        'import { startReportingServer } from "envoy-tap-tunnel/tunnel/node";',
        'import { TraceSchema as Bare } from "envoy-tap-tunnel/gen/envoy/data/tap/v2alpha/capture_pb";',
        'import { TraceSchema as WithJs } from "envoy-tap-tunnel/gen/envoy/data/tap/v2alpha/capture_pb.js";',
        "export const schemas: (typeof TraceSchema)[] = [TraceSchema, Bare, WithJs];",
        "export const functions = [validate, readMessages, traceWarnings, TunnelRegistry, startReportingServer];",
      ].join("\n"),
    );
  });

  after(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test("holds exactly one copy of @bufbuild/protobuf, the consumer's newest 2.x", () => {
    const paths = new Set(
      run("npm", ["ls", "@bufbuild/protobuf", "--all", "--parseable"], consumerDir)
        .split("\n")
        .filter((line) => line.includes("@bufbuild/protobuf")),
    );
    assert.deepEqual([...paths], [join(consumerDir, "node_modules", "@bufbuild", "protobuf")]);
    const installed = JSON.parse(readFileSync(join(consumerDir, "node_modules/@bufbuild/protobuf/package.json"), "utf8")) as {
      version: string;
    };
    assert.equal(installed.version, protobufVersion);
    const manifest = JSON.parse(readFileSync(join(installedRoot, "package.json"), "utf8")) as {
      peerDependencies?: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    assert.equal(manifest.peerDependencies?.["@bufbuild/protobuf"], "^2.13.0");
    assert.equal(manifest.dependencies?.["@bufbuild/protobuf"], undefined);
  });

  test("type-checks the README's examples and every entry point under moduleResolution node16 and node10", () => {
    const files = ["readme-example.ts", "readme-validation.ts", "subpaths.ts"];
    typeCheck(consumerDir, "node16", files, "out");
    typeCheck(consumerDir, "node10", files);
  });

  test("runs the README's library example with the output the README shows", () => {
    const { expectedOutput } = readmeJsExample();
    assert.ok(expectedOutput.length >= 2, "the README example documents its output");
    const output = run("node", ["readme-example.mjs"], consumerDir);
    assert.deepEqual(output.trimEnd().split("\n"), expectedOutput);
  });

  test("runs the README's validation example with the violations its comment shows", () => {
    const { expectedKind, expectedViolations } = readmeValidationExample();
    assert.ok(expectedViolations.length >= 1, "the README comment lists violations");
    typeCheck(consumerDir, "node16", ["readme-validation.ts"], "out");
    const actual = JSON.parse(run("node", [join("out", "readme-validation.js")], consumerDir)) as {
      kind: string;
      violations: { path: string; ruleId: string; position?: unknown }[];
    };
    assert.equal(actual.kind, expectedKind);
    assert.deepEqual(
      actual.violations.map(({ path, ruleId }) => ({ path, ruleId })),
      expectedViolations.map(({ path, ruleId }) => ({ path, ruleId })),
    );
    for (const [i, expected] of expectedViolations.entries()) {
      if (expected.position) assert.deepEqual(actual.violations[i]!.position, expected.position, expected.path);
    }
  });

  test("imports in plain Node, encodes and decodes a Trace", () => {
    const script = [
      'import { create, toBinary, fromBinary } from "@bufbuild/protobuf";',
      'import { TraceSchema } from "envoy-tap-tunnel";',
      "const trace = create(TraceSchema, { connection: { id: 18446744073709551615n } });",
      "console.log(fromBinary(TraceSchema, toBinary(TraceSchema, trace)).connection.id.toString());",
    ].join("\n");
    writeFileSync(join(consumerDir, "roundtrip.mjs"), script);
    assert.equal(run("node", ["roundtrip.mjs"], consumerDir), "18446744073709551615\n");
  });

  test("every exported entry point imports and exports something; both gen/ spellings load one module", () => {
    const manifest = JSON.parse(readFileSync(join(installedRoot, "package.json"), "utf8")) as {
      exports: Record<string, string | { types: string; default: string }>;
    };
    const subpaths = Object.keys(manifest.exports).filter((subpath) => !subpath.includes("*") && subpath !== "./package.json");
    assert.ok(subpaths.includes("./validate"));
    const script = [
      ...subpaths.map(
        (subpath) =>
          `if (Object.keys(await import(${JSON.stringify(posix.join("envoy-tap-tunnel", subpath))})).length === 0) throw new Error("${subpath} exports nothing");`,
      ),
      'const bare = await import("envoy-tap-tunnel/gen/envoy/data/tap/v2alpha/capture_pb");',
      'const withJs = await import("envoy-tap-tunnel/gen/envoy/data/tap/v2alpha/capture_pb.js");',
      'if (bare.TraceSchema === undefined || bare.TraceSchema !== withJs.TraceSchema) throw new Error("gen spellings differ");',
      'console.log("ok");',
    ].join("\n");
    writeFileSync(join(consumerDir, "subpaths.mjs"), script);
    assert.equal(run("node", ["subpaths.mjs"], consumerDir), "ok\n");
  });

  test("ships type declarations for every entry point and no tests or sources", () => {
    const manifest = JSON.parse(readFileSync(join(installedRoot, "package.json"), "utf8")) as {
      exports: Record<string, string | { types: string; default: string }>;
    };
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (typeof target === "string" || subpath.includes("*")) continue;
      assert.ok(readFileSync(join(installedRoot, target.types), "utf8").length > 0, `${subpath} has types`);
    }
    const sources = packedFiles.filter((path) => /\.test\.|\.testdata\.|(?<!\.d)\.ts$/.test(path));
    assert.deepEqual(sources, []);
  });

  test("ships no source map whose sources are missing", () => {
    for (const path of packedFiles) {
      if (path.endsWith(".map")) {
        const map = JSON.parse(readFileSync(join(installedRoot, path), "utf8")) as { sources?: string[]; sourceRoot?: string };
        for (const source of map.sources ?? []) {
          const target = posix.join(posix.dirname(path), map.sourceRoot ?? "", source);
          assert.ok(packedFiles.includes(target), `${path} names ${source}, which the tarball does not hold`);
        }
      }
      if (/\.(c|m)?js$/.test(path)) {
        const reference = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(installedRoot, path), "utf8"));
        if (reference && !reference[1]!.startsWith("data:")) {
          const target = posix.join(posix.dirname(path), reference[1]!);
          assert.ok(packedFiles.includes(target), `${path} points at ${reference[1]}, which the tarball does not hold`);
        }
      }
    }
  });

  test("every relative link in a shipped Markdown file names a shipped file", () => {
    const markdown = packedFiles.filter((path) => path.endsWith(".md"));
    assert.ok(markdown.includes("README.md"));
    for (const path of markdown) {
      for (const link of markdownLinks(readFileSync(join(installedRoot, path), "utf8"))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith("#")) continue;
        const target = posix.normalize(posix.join(posix.dirname(path), link.replace(/#.*$/, "")));
        const shipped = packedFiles.includes(target) || packedFiles.some((file) => file.startsWith(`${target.replace(/\/$/, "")}/`));
        assert.ok(shipped, `${path} links to ${link}, which the tarball does not hold`);
      }
    }
  });

  test("names its repository, home page and issue tracker, and depends at run time only on what it imports", () => {
    const manifest = JSON.parse(readFileSync(join(installedRoot, "package.json"), "utf8")) as {
      repository?: { url?: string };
      homepage?: string;
      bugs?: { url?: string };
      dependencies?: Record<string, string>;
    };
    assert.match(manifest.repository?.url ?? "", /^git\+https:\/\/.+\.git$/);
    assert.match(manifest.homepage ?? "", /^https:\/\//);
    assert.match(manifest.bugs?.url ?? "", /^https:\/\//);
    const shippedCode = packedFiles
      .filter((path) => /\.js$/.test(path))
      .map((path) => readFileSync(join(installedRoot, path), "utf8"))
      .join("\n");
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      // A static import, or a dynamic one (the Redis client loads only when a Redis store connects).
      const quoted = `"${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}(/[^"]*)?"`;
      const imported = new RegExp(`(from |import\\()${quoted}`).test(shippedCode);
      assert.ok(imported, `dependency ${name} is imported by no shipped file`);
    }
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
    assert.equal(run("node", ["jsonschema.mjs"], consumerDir), "https://json-schema.org/draft/2020-12/schema\n");
  });

  test("runs the CLI on the shipped examples", () => {
    assert.ok(existsSync(join(installedRoot, "examples", "valid")));
    const output = run("npx", ["--no-install", "envoy-tap-tunnel", "validate", join(installedRoot, "examples", "valid")], consumerDir);
    assert.match(output, / 0 invalid\n$/);
  });
});
