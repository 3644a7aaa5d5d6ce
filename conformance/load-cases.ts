import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { JsonValue } from "@bufbuild/protobuf";

/** Where the hand-written cases live. */
export const defaultCasesDir = join(import.meta.dirname, "cases");

/**
 * One hand-written conformance case, read from `cases/<group>/<name>.json`
 * and its text-format sibling `cases/<group>/<name>.txtpb`.
 *
 * Every expected output here was written by a person: nothing in a case is
 * produced by the code the suite checks.
 */
export interface ConformanceCase {
  /** `<group>/<name>`, as listed in the report and in expected-failures.txt. */
  readonly id: string;
  /** Fully qualified message name, such as `envoy.data.tap.v2alpha.Trace`. */
  readonly typeName: string;
  /** What the case is about, for a person reading the report or the file. */
  readonly about: string;
  /** The payload the case starts from: a JSON document, or hand-written bytes (for unknown fields). */
  readonly input: { readonly kind: "json"; readonly json: JsonValue } | { readonly kind: "binary"; readonly bytes: Uint8Array };
  /** The JSON a printer must produce: lowerCamelCase names, defaults omitted. */
  readonly canonical: JsonValue;
  /**
   * The expected binary encoding of the message's known fields, in field
   * number order, when the case spells it out.
   */
  readonly binary: Uint8Array | undefined;
  /**
   * For binary input: the bytes that binary → message → binary must give,
   * unknown fields kept (they move behind the known ones). By default, the input itself.
   */
  readonly reencoded: Uint8Array | undefined;
  /** The case's message in the text format, as `protoc --encode` reads it. */
  readonly text: string;
  /**
   * What `protoc --decode` prints for the message, comment lines removed:
   * `<name>.decoded.txtpb` when the case has one (unknown fields print by
   * number there), else the text form.
   */
  readonly decodedText: string;
}

const caseKeys = new Set(["type", "about", "json", "inputHex", "canonical", "binaryHex", "reencodedHex"]);

/**
 * Reads every case under `dir`, sorted by id. A malformed case file throws:
 * a typo must not silently turn a check off.
 */
export function loadCases(dir: string = defaultCasesDir): ConformanceCase[] {
  return listCaseFiles(dir)
    .map((file) => loadCase(dir, file))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function listCaseFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...listCaseFiles(path));
    else if (entry.endsWith(".json")) found.push(path);
  }
  return found;
}

function loadCase(dir: string, file: string): ConformanceCase {
  const id = relative(dir, file).replace(/\\/g, "/").replace(/\.json$/, "");
  const fail = (reason: string): never => {
    throw new Error(`conformance case ${id} (${file}): ${reason}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new Error(`conformance case ${id} (${file}): not valid JSON`, { cause });
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail("must be a JSON object");
  const data = raw as Record<string, JsonValue>;
  for (const key of Object.keys(data)) {
    if (!caseKeys.has(key)) fail(`unknown key "${key}" (known: ${[...caseKeys].join(", ")})`);
  }
  const typeName = data["type"];
  if (typeof typeName !== "string" || typeName === "") return fail(`"type" must name a message`);
  const about = data["about"];
  if (typeof about !== "string" || about === "") return fail(`"about" must say what the case checks`);
  if (!("canonical" in data)) return fail(`"canonical" is required`);
  const hasJson = "json" in data;
  const hasInputHex = "inputHex" in data;
  if (hasJson === hasInputHex) return fail(`exactly one of "json" and "inputHex" must be given`);
  if ("reencodedHex" in data && !hasInputHex) fail(`"reencodedHex" needs "inputHex"`);

  const textFile = file.replace(/\.json$/, ".txtpb");
  if (!existsSync(textFile)) return fail(`the text form ${relative(dir, textFile)} is missing`);
  const text = readFileSync(textFile, "utf8");
  const decodedFile = file.replace(/\.json$/, ".decoded.txtpb");
  const decodedText = stripComments(existsSync(decodedFile) ? readFileSync(decodedFile, "utf8") : text);

  const hex = (key: string): Uint8Array | undefined => {
    const value = data[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string") return fail(`"${key}" must be a string of hex digits`);
    try {
      return parseHex(value);
    } catch (cause) {
      return fail(`"${key}": ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  };
  const inputBytes = hex("inputHex");
  return {
    id,
    typeName,
    about,
    input: inputBytes ? { kind: "binary", bytes: inputBytes } : { kind: "json", json: data["json"]! },
    canonical: data["canonical"]!,
    binary: hex("binaryHex"),
    reencoded: hex("reencodedHex"),
    text,
    decodedText,
  };
}

/**
 * Parses hex digits; spaces and line breaks may group them so that a person
 * can write one field per group (`0a 02 08 2a`).
 */
export function parseHex(hex: string): Uint8Array {
  const digits = hex.replace(/\s+/g, "");
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) throw new Error("not an even number of hex digits");
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/**
 * Removes `#` comment lines. protoc never prints one (a string value cannot
 * span lines: it escapes line breaks), so this only drops the case author's notes.
 */
function stripComments(text: string): string {
  return text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n");
}
