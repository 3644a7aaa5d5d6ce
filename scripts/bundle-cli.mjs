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
 * Where each export of `@bufbuild/protobuf/wkt` lives: its index re-exports
 * one module per well-known file (and a few helper modules), so each name is
 * looked up in the module that declares it.
 */
async function wellKnownTypeModules() {
  const esmIndex = fileURLToPath(import.meta.resolve("@bufbuild/protobuf/wkt"));
  const source = await readFile(esmIndex, "utf8");
  const modules = new Map();
  for (const [, specifier] of source.matchAll(/^export \* from "(\.[^"]+)";$/gm)) {
    const path = join(dirname(esmIndex), specifier);
    for (const name of Object.keys(await import(pathToFileURL(path).href))) modules.set(name, path);
  }
  if (modules.size === 0) throw new Error(`${esmIndex} re-exports no module; cannot split @bufbuild/protobuf/wkt`);
  return modules;
}
const wktModules = await wellKnownTypeModules();

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
 * `@bufbuild/protobuf/wkt` as one module per importer that re-exports just
 * the names it imports from the modules that declare them. Once some module
 * that imports the index is initialized lazily (the generated files, below),
 * esbuild initializes the whole index with it: the descriptors of Struct,
 * Any, Duration, the wrappers, Empty and FieldMask were built at every
 * start-up, for a payload that holds none of them. A namespace import keeps
 * the real index.
 */
const wellKnownTypesByName = {
  name: "well-known-types-by-name",
  setup(bundle) {
    bundle.onResolve({ filter: /^@bufbuild\/protobuf\/wkt$/ }, async ({ importer, kind }) => {
      if (kind !== "import-statement" || importer === "") return undefined;
      const names = namesImported(await readFile(importer, "utf8"), "@bufbuild/protobuf/wkt");
      if (names === undefined) return undefined;
      return { path: importer, namespace: "wkt-by-name", pluginData: names };
    });
    bundle.onLoad({ filter: /.*/, namespace: "wkt-by-name" }, ({ path, pluginData: names }) => {
      const lines = [...names].map((name) => {
        const module = wktModules.get(name);
        if (module === undefined) throw new Error(`${path} imports ${name}, which no module of @bufbuild/protobuf/wkt exports`);
        return `export { ${name} } from ${JSON.stringify(module)};`;
      });
      return { contents: lines.join("\n"), loader: "js", resolveDir: dirname(path) };
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
  plugins: [lazyGeneratedFiles, wellKnownTypesByName],
  metafile: true,
  logLevel: "warning",
  minifyWhitespace: true,
  minifySyntax: true,
});

// One copy of @bufbuild/protobuf: a second (its CommonJS build, pulled in by
// a `require`) would hold descriptors the rest of the CLI does not know.
const commonJsProtobuf = Object.keys(metafile.inputs).filter((input) => input.includes("@bufbuild/protobuf/dist/commonjs/"));
if (commonJsProtobuf.length > 0) throw new Error(`the CLI bundle holds @bufbuild/protobuf's CommonJS build too: ${commonJsProtobuf[0]}`);
