#!/usr/bin/env node
// The command line of envoy-tap-tunnel; everything lives in src/cli/main.ts,
// which `npm run build` bundles into dist/cli/ (start-up time).
// A dynamic import so that a missing build is one line, not a stack trace.
import("../dist/cli/main.js").then(
  (cli) => cli.run(),
  (error) => {
    process.stderr.write(`envoy-tap-tunnel: cannot load the CLI (${error.message}); run npm run build\n`);
    process.exitCode = 2;
  },
);
