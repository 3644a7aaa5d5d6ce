import type { Divergence } from "./differential.js";

/**
 * A class of inputs on which the package still breaks the rule, recognised
 * by a precise test of the input and of both verdicts, with the reason. As
 * protobuf-es's `failing_tests_*.txt`: the goal is an empty list, and the
 * differential test fails on any break no entry explains.
 */
export interface KnownDivergence {
  readonly id: string;
  readonly why: string;
  readonly matches: (divergence: Divergence) => boolean;
}

/** The classes still open (see the report of issue 10 for who fixes which). */
export const knownDivergences: readonly KnownDivergence[] = [
  {
    id: "json-decode-laxer-than-validate",
    why:
      "decode() of JSON is protobuf-es's fromJson, which accepts base64 of a wrong length or with inner padding, " +
      "integers in strings with blanks, U+FEFF or hex digits, and reads them; validateJson (and the clean fast path) " +
      "refuse or agree with Google on the same input, so the package names the fault, but decode() alone does not. " +
      "The JSON tokenizer of issue 10 (src/json/) is where decode() gets the same checks.",
    matches: (d) => d.payload.encoding === "json" && d.breaks.every((b) => b.api === "decode"),
  },
  {
    id: "json-integer-string-inside-any",
    why:
      "An integer written as a string protobuf-es reads but Google refuses (\"1e2\") inside a message packed in an Any: " +
      "validateJson's JSON Schema does not look inside Any, and fromJson accepts it. Fixed when the rule walk of " +
      "issue 10 follows Any payloads.",
    matches: (d) =>
      d.payload.encoding === "json" &&
      !d.google.ok &&
      /invalid literal for int\(\)|Couldn't parse integer/.test(d.google.reason) &&
      Buffer.from(d.payload.bytes).toString("utf8").includes('"@type"') &&
      d.breaks.every((b) => b.api === "decode" || b.api === "validateJson"),
  },
  {
    id: "python-json-negative-zero",
    why:
      "Python's json module reads the integer literal -0 as int 0, so json_format stores +0.0 in a Struct number; " +
      "the package keeps -0 as JSON.parse reads it (C++'s JSON parser also keeps the sign). A quirk of the oracle.",
    matches: (d) =>
      d.payload.encoding === "json" &&
      d.google.ok &&
      /[:,[]\s*-0(?![0-9.eE])/.test(Buffer.from(d.payload.bytes).toString("utf8")) &&
      d.breaks.every((b) => b.problem === "decoded a different value than Google"),
  },
];

/** The class that explains a divergence, or `undefined`. */
export function knownDivergence(divergence: Divergence): KnownDivergence | undefined {
  return knownDivergences.find((known) => known.matches(divergence));
}
