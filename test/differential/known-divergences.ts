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
    id: "json-leading-byte-order-mark",
    why:
      "A UTF-8 byte order mark before a JSON document: RFC 8259 section 8.1 lets parsers ignore it, and the package's " +
      "readers do (Windows tools write it); Python's json module refuses it. Not a different value, a different reading of one optional rule.",
    matches: (d) =>
      d.payload.encoding === "json" &&
      !d.google.ok &&
      d.google.reason.includes("Unexpected UTF-8 BOM") &&
      d.payload.bytes[0] === 0xef &&
      d.payload.bytes[1] === 0xbb &&
      d.payload.bytes[2] === 0xbf,
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
