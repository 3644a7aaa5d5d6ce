/**
 * `npm run fuzz -- --seconds N [--encoding binary|json] [--seed S]`: runs the
 * differential generators against Google's runtime until the time is up.
 * Each divergence is minimized by fast-check's shrinking (replaying its run
 * by seed and path) and saved under conformance/fuzz/, one file per kind of
 * break, which `npm test` replays; divergences test/differential/known-divergences.ts
 * explains are not saved again. Exit code 1 when something new was found.
 */
import fc from "fast-check";
import { checkRule } from "./check-rule.js";
import { binaryPayload, describeDivergence, jsonPayload, runDifferential, type Divergence } from "./differential.js";
import { saveFuzzCase } from "./fuzz-cases.js";
import { GoogleRuntime, googleRuntimeMissingReason, type Payload } from "./google-runtime.js";
import { knownDivergence } from "./known-divergences.js";

interface Options {
  seconds: number;
  encodings: ("binary" | "json")[];
  seed: number;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { seconds: 60, encodings: ["binary", "json"], seed: Date.now() % 2 ** 31 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === "--seconds" && value !== undefined) options.seconds = Number(value);
    else if (argv[i] === "--encoding" && (value === "binary" || value === "json")) options.encodings = [value];
    else if (argv[i] === "--seed" && value !== undefined) options.seed = Number(value);
    else {
      process.stderr.write(`fuzz: unknown argument ${argv[i]}\nusage: npm run fuzz -- --seconds N [--encoding binary|json] [--seed S]\n`);
      process.exit(2);
    }
    i++;
  }
  if (!Number.isFinite(options.seconds) || options.seconds <= 0) {
    process.stderr.write("fuzz: --seconds must be a positive number\n");
    process.exit(2);
  }
  return options;
}

/** A kind of break, so that one minimized case is kept per kind and run. */
function signature(d: Divergence): string {
  const google = d.google.ok ? "accepted" : "refused";
  return `${d.payload.typeName} ${d.payload.encoding} google-${google} ${d.breaks.map((b) => `${b.api}:${b.problem.replace(/\(.*$/, "")}`).join(",")}`;
}

async function minimize(runtime: GoogleRuntime, arbitrary: fc.Arbitrary<Payload>, seed: number, index: number): Promise<Divergence | undefined> {
  let smallest: Divergence | undefined;
  const property = fc.asyncProperty(arbitrary, async (payload) => {
    const [google] = await runtime.judge([payload]);
    const breaks = checkRule(payload, google!);
    if (breaks.length === 0) return true;
    if (smallest === undefined || payload.bytes.length <= smallest.payload.bytes.length) smallest = { payload, google: google!, breaks };
    return false;
  });
  await fc.check(property, { seed, path: String(index), numRuns: index + 1, endOnFailure: false });
  return smallest;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const missing = googleRuntimeMissingReason();
  if (missing !== undefined) {
    process.stderr.write(`fuzz: ${missing}\n`);
    process.exit(2);
  }
  const runtime = await GoogleRuntime.start();
  const deadline = Date.now() + options.seconds * 1000;
  const seen = new Set<string>();
  let inputs = 0;
  let found = 0;
  let seed = options.seed;
  process.stdout.write(`fuzz: ${runtime.implementation}, seed ${seed}, ${options.seconds} s\n`);
  try {
    while (Date.now() < deadline) {
      for (const encoding of options.encodings) {
        const arbitrary = encoding === "binary" ? binaryPayload : jsonPayload;
        const payloads = fc.sample(arbitrary, { seed, numRuns: 1000 });
        const tally = await runDifferential(runtime, payloads);
        inputs += tally.inputs;
        for (const divergence of tally.divergences) {
          // A listed known divergence is already explained; only new kinds are saved.
          if (knownDivergence(divergence) !== undefined) continue;
          const kind = signature(divergence);
          if (seen.has(kind)) continue;
          seen.add(kind);
          const minimal = (await minimize(runtime, arbitrary, seed, payloads.indexOf(divergence.payload))) ?? divergence;
          const name = saveFuzzCase(minimal);
          found++;
          process.stdout.write(`\nconformance/fuzz/${name}\n${describeDivergence(minimal)}\n`);
        }
      }
      seed = (seed + 1) % 2 ** 31;
    }
  } finally {
    await runtime.close();
  }
  process.stdout.write(`fuzz: ${inputs} inputs, ${found} new kinds of divergence saved\n`);
  process.exitCode = found > 0 ? 1 : 0;
}

await main();
