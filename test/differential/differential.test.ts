import assert from "node:assert/strict";
import { after, before, suite, test } from "node:test";
import fc from "fast-check";
import { checkRule } from "./check-rule.js";
import { binaryPayload, describeDivergence, jsonPayload, runDifferential, type Divergence, type DifferentialTally } from "./differential.js";
import { loadFuzzCases, payloadOf } from "./fuzz-cases.js";
import { GoogleRuntime, requireGoogleRuntime } from "./google-runtime.js";
import { knownDivergence } from "./known-divergences.js";

const skip = requireGoogleRuntime();

/** Fixed seeds: `npm test` checks the same inputs every run; `npm run fuzz` explores new ones. */
const BINARY_SEED = 20_261_203;
const JSON_SEED = 31_415_926;
const BINARY_INPUTS = 20_000;
const JSON_INPUTS = 10_000;

function assertRuleHolds(tally: DifferentialTally): void {
  const unexplained: Divergence[] = [];
  const explained = new Map<string, number>();
  for (const divergence of tally.divergences) {
    const known = knownDivergence(divergence);
    if (known === undefined) unexplained.push(divergence);
    else explained.set(known.id, (explained.get(known.id) ?? 0) + 1);
  }
  for (const [id, count] of explained) process.stdout.write(`# known divergence ${id}: ${count} input(s)\n`);
  assert.equal(unexplained.length, 0, `${unexplained.length} input(s) break the rule:\n${unexplained.slice(0, 5).map(describeDivergence).join("\n")}`);
}

suite("differential: the package decodes what Google's runtime decodes, or refuses by name", { skip }, () => {
  let runtime: GoogleRuntime;
  before(async () => {
    runtime = await GoogleRuntime.start();
    process.stdout.write(`# Google's runtime: ${runtime.implementation}\n`);
  });
  after(async () => {
    await runtime?.close();
  });

  test(`${BINARY_INPUTS} mutated binary payloads of every primary type`, async () => {
    const payloads = fc.sample(binaryPayload, { seed: BINARY_SEED, numRuns: BINARY_INPUTS });
    const tally = await runDifferential(runtime, payloads);
    process.stdout.write(`# binary: ${tally.inputs} inputs, ${tally.googleAccepted} decoded by Google\n`);
    assert.equal(tally.inputs, BINARY_INPUTS);
    // Not vacuous: a fair share of the mutants must be valid to Google (and so compared value by value).
    assert.ok(tally.googleAccepted > BINARY_INPUTS / 5, `only ${tally.googleAccepted} inputs decoded by Google`);
    assertRuleHolds(tally);
  });

  test(`${JSON_INPUTS} mutated JSON payloads of every primary type`, async () => {
    const payloads = fc.sample(jsonPayload, { seed: JSON_SEED, numRuns: JSON_INPUTS });
    const tally = await runDifferential(runtime, payloads);
    process.stdout.write(`# json: ${tally.inputs} inputs, ${tally.googleAccepted} decoded by Google\n`);
    assert.equal(tally.inputs, JSON_INPUTS);
    assert.ok(tally.googleAccepted > JSON_INPUTS / 10, `only ${tally.googleAccepted} inputs decoded by Google`);
    assertRuleHolds(tally);
  });

  test("every case saved by npm run fuzz (conformance/fuzz/) now keeps the rule", async () => {
    const cases = loadFuzzCases();
    assert.ok(cases.length > 0, "conformance/fuzz/ holds the minimized cases the fuzzer found");
    const verdicts = await runtime.judge(cases.map((c) => payloadOf(c.saved)));
    const failures = cases.flatMap(({ name, saved }, i) => {
      const payload = payloadOf(saved);
      const google = verdicts[i]!;
      const breaks = checkRule(payload, google);
      if (breaks.length === 0) return [];
      const known = knownDivergence({ payload, google, breaks });
      if (known !== undefined) {
        process.stdout.write(`# ${name}: known divergence ${known.id}\n`);
        return [];
      }
      return [`${name}: ${breaks.map((b) => `${b.api}: ${b.problem}`).join("; ")}`];
    });
    assert.deepEqual(failures, []);
  });
});
