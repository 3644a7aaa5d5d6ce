import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parseHex } from "../load-cases.js";

/** Where the invalid payloads live. */
export const invalidCorpusDir = import.meta.dirname;

/** Where the valid payloads (the invalid ones' counterparts that must pass) live. */
export const validCorpusDir = join(import.meta.dirname, "..", "valid");

/** One expected violation of a corpus case: where, and which rule. */
export interface ExpectedViolation {
  readonly path: string;
  readonly ruleId: string;
}

/**
 * One payload of the validation corpus: `<id>.json` with its sidecar
 * `<id>.expected.json` (and, for payloads JSON cannot carry, the wire bytes
 * in `<id>.binpb.hex`). Every expectation was written by hand.
 */
export interface CorpusCase {
  /** The file name without `.json`. */
  readonly id: string;
  /** Fully qualified message name. */
  readonly typeName: string;
  /** What the case checks, for a person. */
  readonly about: string;
  /** The payload's text, exactly as in the file (it may be malformed on purpose). */
  readonly json: string;
  /** The exact violations, path and rule id; empty for a valid case. */
  readonly violations: readonly ExpectedViolation[];
  /**
   * Whether the payload is representable in binary (no fault of the JSON
   * encoding itself), so the binary path must report the same violations.
   */
  readonly binary: boolean;
  /**
   * Wire bytes to validate on the binary path instead of encoding the parsed
   * JSON: for payloads protobuf-es's JSON parser refuses but the wire allows,
   * such as two members of one oneof.
   */
  readonly wire: Uint8Array | undefined;
}

const sidecarKeys = new Set(["type", "about", "violations", "binary"]);

/** Reads every case of `conformance/invalid/`, sorted by id. A malformed sidecar throws. */
export function loadInvalidCorpus(dir: string = invalidCorpusDir): CorpusCase[] {
  return loadCorpus(dir);
}

/** Reads every case of `conformance/valid/` (each expects no violation), sorted by id. */
export function loadValidCorpus(dir: string = validCorpusDir): CorpusCase[] {
  return loadCorpus(dir);
}

function loadCorpus(dir: string): CorpusCase[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json") && !name.endsWith(".expected.json"))
    .map((name) => loadCase(dir, name.slice(0, -".json".length)))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function loadCase(dir: string, id: string): CorpusCase {
  const sidecarFile = join(dir, `${id}.expected.json`);
  const fail = (reason: string): never => {
    throw new Error(`corpus case ${id}: ${reason}`);
  };
  if (!existsSync(sidecarFile)) fail(`${id}.expected.json is missing`);
  const sidecar = JSON.parse(readFileSync(sidecarFile, "utf8")) as Record<string, unknown>;
  for (const key of Object.keys(sidecar)) if (!sidecarKeys.has(key)) fail(`unknown sidecar key "${key}"`);
  const { type, about, violations, binary } = sidecar;
  if (typeof type !== "string") fail(`"type" must be a type name`);
  if (typeof about !== "string") fail(`"about" must say what the case checks`);
  if (typeof binary !== "boolean") fail(`"binary" must be true or false`);
  if (!Array.isArray(violations)) fail(`"violations" must be a list`);
  const expected = (violations as unknown[]).map((v): ExpectedViolation => {
    const { path, ruleId, ...rest } = v as Record<string, unknown>;
    if (typeof path !== "string" || typeof ruleId !== "string" || Object.keys(rest).length > 0) {
      fail(`each violation is { "path": string, "ruleId": string }`);
    }
    return { path: path as string, ruleId: ruleId as string };
  });
  const hexFile = join(dir, `${id}.binpb.hex`);
  let wire: Uint8Array | undefined;
  if (existsSync(hexFile)) {
    try {
      wire = parseHex(readFileSync(hexFile, "utf8"));
    } catch (cause) {
      fail(`${id}.binpb.hex: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }
  if (wire !== undefined && binary !== true) fail(`has wire bytes but says it is not representable in binary`);
  return {
    id,
    typeName: type as string,
    about: about as string,
    json: readFileSync(join(dir, `${id}.json`), "utf8"),
    violations: expected,
    binary: binary as boolean,
    wire,
  };
}
