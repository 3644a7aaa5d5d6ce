// Bundles the built CLI (dist/src/cli/main.js) into dist/cli/: run by
// `npm run build` after tsc. Loading ~200 small ES modules (the CLI, the
// codec, the validator, gen/ and @bufbuild/protobuf) cost most of the CLI's
// start-up; a few bundled files load in a fraction of that. Each command stays
// its own chunk, loaded only when it runs, so `validate` never parses the
// server, and the JSON Schema validators load only for JSON input.
import { build } from "esbuild";

await build({
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
  logLevel: "warning",
  minifyWhitespace: true,
  minifySyntax: true,
});
