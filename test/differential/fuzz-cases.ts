import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Divergence } from "./differential.js";
import type { Payload } from "./google-runtime.js";

/** Where `npm run fuzz` saves minimized divergences, which `npm test` replays. */
export const fuzzCaseDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "conformance", "fuzz");

/** A saved divergence: the payload, and what each side said when it was found. */
export interface FuzzCase {
  readonly type: string;
  readonly encoding: "binary" | "json";
  /** The payload, base64. */
  readonly bytes: string;
  /** What Google's runtime said when the case was found. */
  readonly google: string;
  /** What the package said when the case was found (one line per broken entry point). */
  readonly package: readonly string[];
  /** Why the case matters, when a person wrote it down. */
  readonly note?: string;
}

/** The payload of a saved case. */
export function payloadOf(saved: FuzzCase): Payload {
  return { typeName: saved.type, encoding: saved.encoding, bytes: new Uint8Array(Buffer.from(saved.bytes, "base64")) };
}

/** Every saved case, by file name. */
export function loadFuzzCases(): { name: string; saved: FuzzCase }[] {
  if (!existsSync(fuzzCaseDir)) return [];
  return readdirSync(fuzzCaseDir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => ({ name, saved: JSON.parse(readFileSync(join(fuzzCaseDir, name), "utf8")) as FuzzCase }));
}

/** Saves a divergence as `<type>-<encoding>-<hash>.json`; returns the file name (the same bytes always get the same name). */
export function saveFuzzCase(divergence: Divergence, note?: string): string {
  const { payload, google, breaks } = divergence;
  const hash = createHash("sha256").update(payload.encoding).update(payload.bytes).digest("hex").slice(0, 12);
  const shortType = payload.typeName.slice(payload.typeName.lastIndexOf(".") + 1);
  const name = `${shortType}-${payload.encoding}-${hash}.json`;
  const saved: FuzzCase = {
    type: payload.typeName,
    encoding: payload.encoding,
    bytes: Buffer.from(payload.bytes).toString("base64"),
    google: google.ok ? `decoded ${JSON.stringify(google.value)}` : `refused: ${google.reason}`,
    package: breaks.map((b) => `${b.api}: ${b.problem}; it said ${b.packageSaid}`),
    ...(note === undefined ? {} : { note }),
  };
  mkdirSync(fuzzCaseDir, { recursive: true });
  writeFileSync(join(fuzzCaseDir, name), JSON.stringify(saved, null, 2) + "\n");
  return name;
}
