// Runs the CLI from source, as bin/envoy-tap-tunnel.js runs it from dist/: tests start `serve` replicas with it.
import { run } from "../../cli/main.js";

await run();
