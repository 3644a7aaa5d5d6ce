import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** What the CLI reads from its own package.json. */
export interface PackageInfo {
  /** The directory holding package.json (and `gen/jsonschema/`). */
  readonly root: string;
  readonly version: string;
}

let cached: PackageInfo | undefined;

/**
 * Finds the package's own root by walking up from this module until a
 * package.json named `envoy-tap-tunnel`. The depth differs between the built
 * CLI (`dist/cli/`, bundled), a run from sources with tsx (`src/cli/`) and an
 * installed copy under `node_modules/envoy-tap-tunnel/`, so no fixed number
 * of `..` fits all three.
 */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
      if (json.name === "envoy-tap-tunnel") {
        cached = { root: dir, version: typeof json.version === "string" ? json.version : "0.0.0" };
        return cached;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the package.json of envoy-tap-tunnel above the CLI");
    dir = parent;
  }
}
