// Bundles the built CLI (dist/src/cli/main.js) into dist/cli/: run by
// `npm run build` after tsc. Loading ~200 small ES modules (the CLI, the
// codec, the validator, gen/ and @bufbuild/protobuf) cost most of the CLI's
// start-up; a few bundled files load in a fraction of that. Each command stays
// its own chunk, loaded only when it runs, so `validate` never parses the
// server, and the JSON Schema validators load only for JSON input.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

/**
 * Where each export of an index module of @bufbuild/protobuf lives: an index
 * re-exports other modules (`export * from`, or `export { names } from`), so
 * each name is looked up in the module that declares it. A name two
 * `export *` lines both provide is left out, as ES modules leave it out.
 */
async function modulesByExportName(specifier) {
  const index = fileURLToPath(import.meta.resolve(specifier));
  const source = await readFile(index, "utf8");
  const modules = new Map();
  const ambiguous = new Set();
  for (const [, list, relative] of source.matchAll(/^export (\*|\{[^}]*\}) from "(\.[^"]+)";$/gm)) {
    const path = join(dirname(index), relative);
    const names =
      list === "*"
        ? Object.keys(await import(pathToFileURL(path).href)).filter((name) => name !== "default")
        : list.slice(1, -1).split(",").map((n) => n.trim()).filter((n) => n !== "").map((n) => n.split(/\s+as\s+/).at(-1));
    for (const name of names) {
      if (list !== "*" && /\sas\s/.test(list)) throw new Error(`${index} renames an export; cannot split it by name`);
      if (modules.has(name) && modules.get(name) !== path) ambiguous.add(name);
      else modules.set(name, path);
    }
  }
  for (const name of ambiguous) modules.delete(name);
  if (modules.size === 0) throw new Error(`${index} re-exports no module; cannot split ${specifier}`);
  return modules;
}

/**
 * The index modules of @bufbuild/protobuf that importers' named imports are
 * redirected around (see {@link exportsByName}); `wire` and `txtpb` are left
 * whole, each used by few modules.
 */
const splitIndexes = new Map();
for (const specifier of ["@bufbuild/protobuf", "@bufbuild/protobuf/wkt", "@bufbuild/protobuf/codegenv2", "@bufbuild/protobuf/reflect"]) {
  splitIndexes.set(specifier, await modulesByExportName(specifier));
}
const wktModules = splitIndexes.get("@bufbuild/protobuf/wkt");

/** The names an ES module imports (or re-exports) from `specifier`, or undefined for a namespace import. */
function namesImported(source, specifier) {
  const names = new Set();
  const from = new RegExp(`\\b(import|export)\\s*(type\\s+)?([^;]*?)\\s*from\\s*"${specifier.replace(/[/.]/g, "\\$&")}"`, "g");
  for (const [, , typeOnly, clause] of source.matchAll(from)) {
    if (typeOnly) continue;
    const braces = /^\{([^}]*)\}$/.exec(clause.trim());
    if (braces === null) return undefined;
    for (const item of braces[1].split(",").map((n) => n.trim()).filter((n) => n !== "")) {
      if (item.startsWith("type ")) continue;
      names.add(item.split(/\s+as\s+/)[0]);
    }
  }
  return names;
}

/**
 * Each index of {@link splitIndexes} as one module per importer that
 * re-exports just the names it imports from the modules that declare them.
 * esbuild places a module by the entry points that reach it, and an index
 * reaches every module it re-exports: code any command uses (fromJson,
 * toJson, toBinary, clone, the text format's helpers) sat in the chunk every
 * command loads, parsed at each start-up of `validate` on binary input. And
 * once some module that imports the wkt index is initialized lazily (the
 * generated files, below), esbuild initializes the whole index with it: the
 * descriptors of Struct, Any, Duration, the wrappers, Empty and FieldMask
 * were built at every start-up, for a payload that holds none of them. A
 * namespace import keeps the real index.
 */
const exportsByName = {
  name: "exports-by-name",
  setup(bundle) {
    const filter = new RegExp(`^(${[...splitIndexes.keys()].map((s) => s.replace(/[/.]/g, "\\$&")).join("|")})$`);
    bundle.onResolve({ filter }, async ({ path: specifier, importer, kind }) => {
      if (kind !== "import-statement" || importer === "") return undefined;
      const names = namesImported(await readFile(importer, "utf8"), specifier);
      if (names === undefined) return undefined;
      // One module per importer and index: its path names both.
      return { path: `${importer} -> ${specifier}`, namespace: "exports-by-name", pluginData: { importer, specifier, names } };
    });
    bundle.onLoad({ filter: /.*/, namespace: "exports-by-name" }, ({ pluginData: { importer, specifier, names } }) => {
      const modules = splitIndexes.get(specifier);
      const lines = [...names].map((name) => {
        const module = modules.get(name);
        if (module === undefined) throw new Error(`${importer} imports ${name}, which no module of ${specifier} exports`);
        return `export { ${name} } from ${JSON.stringify(module)};`;
      });
      return { contents: lines.join("\n"), loader: "js", resolveDir: dirname(importer) };
    });
  },
};

/**
 * The package registry (src/registry.ts) is built when first consulted, from
 * the files `packageFiles()` (src/package-files.ts) lists. In plain ES
 * modules those files are imported, and their descriptors built, up front;
 * here each named import of that module becomes a `require` inside the
 * function, which esbuild resolves within the bundle to the module's lazy
 * initializer. A run that never consults the registry (no `Any` met, the type
 * found in the type index) then builds only the generated files it imports
 * itself. A well-known file is required by the path of the ES module that
 * declares it: `require("@bufbuild/protobuf/wkt")` would resolve to the
 * CommonJS build, a second copy of @bufbuild/protobuf whose descriptors are
 * not the ones the rest of the CLI uses. Anything but named imports, or a
 * rewritten binding used outside `packageFiles`, fails the build rather than
 * be half rewritten.
 */
const lazyGeneratedFiles = {
  name: "lazy-generated-files",
  setup(bundle) {
    bundle.onLoad({ filter: /[\\/]dist[\\/]src[\\/]package-files\.js$/ }, async ({ path }) => {
      const source = await readFile(path, "utf8");
      const lazySpecifier = /^(\.|@bufbuild\/protobuf\/wkt$)/;
      const imports = [...source.matchAll(/^import \{([^}]*)\} from "([^"]+)";\n/gm)].filter(([, , specifier]) => lazySpecifier.test(specifier));
      const bindings = new Map();
      for (const [, names, specifier] of imports) {
        for (const name of names.split(",").map((n) => n.trim()).filter((n) => n !== "")) {
          if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`${path}: cannot make the import "${name}" lazy`);
          const module = specifier.startsWith(".") ? specifier : wktModules.get(name);
          if (module === undefined) throw new Error(`${path}: no module of @bufbuild/protobuf/wkt exports ${name}`);
          bindings.set(name, module);
        }
      }
      let body = source;
      for (const [statement] of imports) body = body.replace(statement, "");
      if (/^import\b/m.test(body)) throw new Error(`${path}: an import other than named bindings of gen/ or wkt; cannot make it lazy`);
      const fn = /^export function packageFiles\(\) \{\n[\s\S]*?\n\}\n/m.exec(body);
      if (fn === null) throw new Error(`${path}: no packageFiles() function`);
      const outside = body.slice(0, fn.index) + body.slice(fn.index + fn[0].length);
      for (const name of bindings.keys()) {
        if (new RegExp(`\\b${name}\\b`).test(outside)) throw new Error(`${path}: ${name} is used outside packageFiles()`);
      }
      const lazyFn = fn[0].replace(/\b[A-Za-z_$][\w$]*\b/g, (word) =>
        bindings.has(word) ? `require(${JSON.stringify(bindings.get(word))}).${word}` : word,
      );
      body = body.slice(0, fn.index) + lazyFn + body.slice(fn.index + fn[0].length);
      return { contents: body, loader: "js", resolveDir: path.slice(0, Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"))) };
    });
    // The type index (src/type-index.ts) loads a type's generated file with
    // `import()`. Bundled, each such target would be an entry point of its
    // own, and esbuild would cut the shared code into many more chunks, each
    // one more module to resolve and load at start-up; the same lazy
    // `require` loads the file within the bundle instead.
    bundle.onLoad({ filter: /[\\/]dist[\\/]src[\\/]type-index\.js$/ }, async ({ path }) => {
      const source = await readFile(path, "utf8");
      const contents = source.replace(/\bawait import\(("\.[^"]+")\)/g, "require($1)");
      if (/\bimport\(/.test(contents)) throw new Error(`${path}: an import() not of the form await import("./relative"); cannot make it lazy`);
      return { contents, loader: "js", resolveDir: path.slice(0, Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"))) };
    });
  },
};

const { metafile } = await build({
  entryPoints: ["dist/src/cli/main.js"],
  outdir: "dist/cli",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  // CommonJS packages that a bundled ES module cannot require; neither uses
  // @bufbuild/protobuf, so the CLI still has one copy of it (Connect's included).
  external: ["@redis/client", "prom-client"],
  plugins: [lazyGeneratedFiles, exportsByName],
  metafile: true,
  logLevel: "warning",
  minifyWhitespace: true,
  minifySyntax: true,
});

// One copy of @bufbuild/protobuf: a second (its CommonJS build, pulled in by
// a `require`) would hold descriptors the rest of the CLI does not know.
const commonJsProtobuf = Object.keys(metafile.inputs).filter((input) => input.includes("@bufbuild/protobuf/dist/commonjs/"));
if (commonJsProtobuf.length > 0) throw new Error(`the CLI bundle holds @bufbuild/protobuf's CommonJS build too: ${commonJsProtobuf[0]}`);
