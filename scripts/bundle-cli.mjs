// Bundles the built CLI (dist/src/cli/main.js) into dist/cli/: run by
// `npm run build` after tsc. Loading ~200 small ES modules (the CLI, the
// codec, the validator, gen/ and @bufbuild/protobuf) cost most of the CLI's
// start-up; a few bundled files load in a fraction of that. Each command stays
// its own chunk, loaded only when it runs, so `validate` never parses the
// server, and the JSON Schema validators load only for JSON input.
import { readFile } from "node:fs/promises";
import { build } from "esbuild";

/**
 * The package registry (src/registry.ts) is built when first consulted, from
 * the files `packageFiles()` (src/package-files.ts) lists. In plain ES
 * modules those files are imported, and their descriptors built, up front;
 * here each named import of that module becomes a `require` inside the
 * function, which esbuild resolves within the bundle to the module's lazy
 * initializer. A run that never consults the registry (no `Any` met, the type
 * found in the type index) then builds only the generated files it imports
 * itself. Only relative imports (the package's gen/ files) are rewritten:
 * `require` of a package specifier would resolve to its CommonJS build, a
 * second copy of @bufbuild/protobuf whose descriptors are not the ones the
 * rest of the CLI uses. Anything but named imports, or a rewritten binding
 * used outside `packageFiles`, fails the build rather than be half rewritten.
 */
const lazyGeneratedFiles = {
  name: "lazy-generated-files",
  setup(bundle) {
    bundle.onLoad({ filter: /[\\/]dist[\\/]src[\\/]package-files\.js$/ }, async ({ path }) => {
      const source = await readFile(path, "utf8");
      const imports = [...source.matchAll(/^import \{([^}]*)\} from "(\.[^"]+)";\n/gm)];
      const bindings = new Map();
      for (const [, names, specifier] of imports) {
        for (const name of names.split(",").map((n) => n.trim()).filter((n) => n !== "")) {
          if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`${path}: cannot make the import "${name}" lazy`);
          bindings.set(name, specifier);
        }
      }
      let body = source.replace(/^import \{[^}]*\} from "\.[^"]+";\n/gm, "");
      if (/^import\b(?! \{[^}]*\} from "[^".][^"]*";$)/m.test(body)) throw new Error(`${path}: an import other than named bindings; cannot make it lazy`);
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
  plugins: [lazyGeneratedFiles],
  metafile: true,
  logLevel: "warning",
  minifyWhitespace: true,
  minifySyntax: true,
});

// One copy of @bufbuild/protobuf: a second (its CommonJS build, pulled in by
// a `require`) would hold descriptors the rest of the CLI does not know.
const commonJsProtobuf = Object.keys(metafile.inputs).filter((input) => input.includes("@bufbuild/protobuf/dist/commonjs/"));
if (commonJsProtobuf.length > 0) throw new Error(`the CLI bundle holds @bufbuild/protobuf's CommonJS build too: ${commonJsProtobuf[0]}`);
