import type { Format } from "../fault/decode-error.js";

/** Every format the codec reads and writes, in the order the CLI lists them. */
export const formats: readonly Format[] = ["binary", "delimited", "json", "ndjson", "text"];

/** Whether `name` is one of {@link formats} (for parsing a `--format` option). */
export function isFormat(name: string): name is Format {
  return (formats as readonly string[]).includes(name);
}
