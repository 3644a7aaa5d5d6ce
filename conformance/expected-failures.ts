import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The checked-in list of known gaps. The goal is an empty file. */
export const defaultExpectedFailuresFile = join(import.meta.dirname, "expected-failures.txt");

/**
 * Reads the expected-failures list: one case id per line followed by `#` and
 * the reason, as protobuf-es keeps its conformance lists:
 *
 * ```
 * response/any-well-known  # Duration inside Any prints without the "s" suffix
 * ```
 *
 * Blank lines and lines that start with `#` are ignored. A line without a
 * reason, or a case listed twice, throws: every gap must say why it is there.
 *
 * @returns case id → reason
 */
export function loadExpectedFailures(file: string = defaultExpectedFailuresFile): Map<string, string> {
  const entries = new Map<string, string>();
  if (!existsSync(file)) return entries;
  const lines = readFileSync(file, "utf8").split("\n");
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const match = /^(\S+)\s+#\s*(\S.*)$/.exec(trimmed);
    if (!match) throw new Error(`${file}:${index + 1}: expected "<case-id> # <reason>"`);
    const [, id, reason] = match as unknown as [string, string, string];
    if (entries.has(id)) throw new Error(`${file}:${index + 1}: ${id} is listed twice`);
    entries.set(id, reason);
  });
  return entries;
}
