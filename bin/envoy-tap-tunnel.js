#!/usr/bin/env node
// The command line of envoy-tap-tunnel; everything lives in src/cli/main.ts.
import { run } from "../dist/src/cli/main.js";

await run();
