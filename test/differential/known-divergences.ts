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
export const knownDivergences: readonly KnownDivergence[] = [];

/** The class that explains a divergence, or `undefined`. */
export function knownDivergence(divergence: Divergence): KnownDivergence | undefined {
  return knownDivergences.find((known) => known.matches(divergence));
}
