import fc from "fast-check";
import { applyBinaryEdits, BINARY_EDIT_KINDS, type Edit } from "./binary-mutations.js";
import { checkRule, type RuleBreak } from "./check-rule.js";
import type { GoogleRuntime, GoogleVerdict, Payload } from "./google-runtime.js";
import { applyJsonEdits, JSON_EDIT_KINDS } from "./json-mutations.js";

function edits(kinds: number): fc.Arbitrary<Edit[]> {
  const edit = fc.tuple(fc.nat(kinds - 1), fc.nat(), fc.nat(), fc.nat()) as fc.Arbitrary<Edit>;
  return fc.array(edit, { minLength: 0, maxLength: 4 });
}

/** Mutated binary payloads of every seed type. */
export const binaryPayload: fc.Arbitrary<Payload> = fc
  .tuple(fc.nat(), edits(BINARY_EDIT_KINDS))
  .map(([seed, list]) => ({ ...applyBinaryEdits(seed, list), encoding: "binary" as const }));

/** Mutated JSON payloads of every seed type. */
export const jsonPayload: fc.Arbitrary<Payload> = fc
  .tuple(fc.nat(), edits(JSON_EDIT_KINDS))
  .map(([seed, list]) => ({ ...applyJsonEdits(seed, list), encoding: "json" as const }));

/** A payload on which the package broke the rule, with what each side said. */
export interface Divergence {
  readonly payload: Payload;
  readonly google: GoogleVerdict;
  readonly breaks: readonly RuleBreak[];
}

/** Tallies of one differential run. */
export interface DifferentialTally {
  inputs: number;
  googleAccepted: number;
  divergences: Divergence[];
}

/** Judges `payloads` with Google's runtime in batches and checks the rule on each. */
export async function runDifferential(runtime: GoogleRuntime, payloads: readonly Payload[], batchSize = 2000): Promise<DifferentialTally> {
  const tally: DifferentialTally = { inputs: 0, googleAccepted: 0, divergences: [] };
  for (let start = 0; start < payloads.length; start += batchSize) {
    const batch = payloads.slice(start, start + batchSize);
    const verdicts = await runtime.judge(batch);
    batch.forEach((payload, i) => {
      const google = verdicts[i]!;
      tally.inputs++;
      if (google.ok) tally.googleAccepted++;
      const breaks = checkRule(payload, google);
      if (breaks.length > 0) tally.divergences.push({ payload, google, breaks });
    });
  }
  return tally;
}

/** A divergence for a person: type, encoding, base64 bytes and both verdicts. */
export function describeDivergence(d: Divergence): string {
  const google = d.google.ok ? `decoded ${JSON.stringify(d.google.value)}` : `refused (${d.google.reason})`;
  const lines = [`${d.payload.typeName} ${d.payload.encoding} ${Buffer.from(d.payload.bytes).toString("base64")}`, `  Google ${google}`];
  for (const b of d.breaks) lines.push(`  ${b.api}: ${b.problem}; it said ${b.packageSaid.slice(0, 400)}`);
  return lines.join("\n");
}
