import { protocMissingReason } from "../test/support/protoc.js";
import { checkNames, checks, needsProtoc, type CaseContext, type CheckName } from "./checks.js";
import { packageCodec, type ConformanceCodec } from "./codec.js";
import { corpusChecksFor, runCorpusCheck, type CorpusCheckName } from "./corpus-checks.js";
import { loadExpectedFailures } from "./expected-failures.js";
import { invalidCorpusDir, loadInvalidCorpus, loadValidCorpus, validCorpusDir, type CorpusCase } from "./invalid/load-corpus.js";
import { loadCases, type ConformanceCase } from "./load-cases.js";

/** How one check of one case came out. */
export type CheckStatus =
  /** The check passed. */
  | "pass"
  /** The check failed, and the case is not listed in expected-failures.txt. */
  | "fail"
  /** The check could not run here (protoc is missing). */
  | "skip"
  /** The check failed, and the case is listed as a known gap. */
  | "expected-fail";

/** One line of the report. */
export interface CheckResult {
  readonly caseId: string;
  /**
   * A case check, a check of the validation corpus (for ids `invalid/...`
   * and `valid/...`), or `expected-failures` for a listed case that now
   * passes (or does not exist), which fails the run until its line is removed.
   */
  readonly check: CheckName | CorpusCheckName | "expected-failures";
  readonly status: CheckStatus;
  /** Why the check failed or was skipped; for an expected failure, the listed reason. */
  readonly detail?: string;
}

/** Everything a run found. */
export interface ConformanceReport {
  readonly results: readonly CheckResult[];
  readonly passed: number;
  /** Failures that are not expected, plus listed cases that pass: any makes the run fail. */
  readonly failed: number;
  readonly skipped: number;
  readonly expectedFailures: number;
  /** Why protoc's checks were skipped, when they were. */
  readonly protocSkipReason: string | undefined;
}

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** The codec to certify. By default, the package's own ({@link packageCodec}). */
  readonly codecOverride?: ConformanceCodec;
  /** By default, `conformance/cases`. */
  readonly casesDir?: string;
  /** By default, `conformance/expected-failures.txt`. */
  readonly expectedFailuresFile?: string;
  /**
   * Whether to run the checks against protoc: `"auto"` runs them when protoc
   * is installed and skips them otherwise; `"require"` fails them when it is
   * missing; `"off"` skips them. By default, `"auto"`.
   */
  readonly protoc?: "auto" | "require" | "off";
  /** Runs only the cases whose id this returns true for. By default, every case. */
  readonly filter?: (caseId: string) => boolean;
  /**
   * Where the validation corpus lives, or `false` to leave it out. Its
   * payloads run as cases `invalid/<id>` and `valid/<id>`. By default,
   * `conformance/invalid` and `conformance/valid`.
   */
  readonly corpus?: { readonly invalidDir?: string; readonly validDir?: string } | false;
}

/**
 * Runs every case through every check, then every payload of the validation
 * corpus through `validateJson` and `validateBinary`, and returns one result
 * per case and check. Failures are data; this throws only for a malformed
 * case file, corpus sidecar or expected-failures list.
 */
export function runConformance(options: ConformanceOptions = {}): ConformanceReport {
  const codec = options.codecOverride ?? packageCodec;
  const filter = options.filter ?? (() => true);
  const cases = loadCases(options.casesDir).filter((c) => filter(c.id));
  const expected = loadExpectedFailures(options.expectedFailuresFile);
  const protocMode = options.protoc ?? "auto";
  const protocSkipReason = protocMode === "off" ? "protoc checks are turned off" : protocMissingReason();

  const results: CheckResult[] = [];
  for (const testCase of cases) {
    const raw = runCase(testCase, codec, protocSkipReason, protocMode === "require");
    results.push(...applyExpectedFailures(testCase.id, raw, expected.get(testCase.id)));
  }
  const corpus = options.corpus === false ? [] : loadCorpusCases(options.corpus ?? {}).filter(({ id }) => filter(id));
  for (const { id, corpusCase } of corpus) {
    results.push(...applyExpectedFailures(id, runCorpusCase(id, corpusCase, codec), expected.get(id)));
  }
  const known = new Set([...cases.map((c) => c.id), ...corpus.map((c) => c.id)]);
  for (const id of expected.keys()) {
    // A stale entry for a case that was renamed or deleted would hide nothing
    // and silently rot; with a filter, or without the corpus, absent cases
    // are simply not in this run.
    const leftOut = options.filter !== undefined || (options.corpus === false && /^(?:in)?valid\//.test(id));
    if (!known.has(id) && !leftOut) {
      results.push({ caseId: id, check: "expected-failures", status: "fail", detail: "listed in expected-failures.txt, but there is no such case" });
    }
  }
  return summarize(results, protocSkipReason);
}

function runCase(testCase: ConformanceCase, codec: ConformanceCodec, protocSkipReason: string | undefined, requireProtoc: boolean): CheckResult[] {
  const schema = codec.findSchema(testCase.typeName);
  if (!schema) {
    return checkNames.map((check) => ({ caseId: testCase.id, check, status: "fail", detail: `the codec knows no type ${testCase.typeName}` }));
  }
  const ctx: CaseContext = { testCase, codec, schema };
  return checkNames.map((check): CheckResult => {
    if (needsProtoc(check) && protocSkipReason !== undefined) {
      return { caseId: testCase.id, check, status: requireProtoc ? "fail" : "skip", detail: protocSkipReason };
    }
    try {
      checks[check](ctx);
      return { caseId: testCase.id, check, status: "pass" };
    } catch (error) {
      return { caseId: testCase.id, check, status: "fail", detail: describe(error) };
    }
  });
}

/** The validation corpus, each payload under the id the report lists it by. */
function loadCorpusCases(dirs: { readonly invalidDir?: string; readonly validDir?: string }): { id: string; corpusCase: CorpusCase }[] {
  return [
    ...loadInvalidCorpus(dirs.invalidDir ?? invalidCorpusDir).map((corpusCase) => ({ id: `invalid/${corpusCase.id}`, corpusCase })),
    ...loadValidCorpus(dirs.validDir ?? validCorpusDir).map((corpusCase) => ({ id: `valid/${corpusCase.id}`, corpusCase })),
  ];
}

function runCorpusCase(id: string, corpusCase: CorpusCase, codec: ConformanceCodec): CheckResult[] {
  const schema = codec.findSchema(corpusCase.typeName);
  return corpusChecksFor(corpusCase).map((check): CheckResult => {
    if (!schema) return { caseId: id, check, status: "fail", detail: `the codec knows no type ${corpusCase.typeName}` };
    try {
      runCorpusCheck(check, corpusCase, codec, schema);
      return { caseId: id, check, status: "pass" };
    } catch (error) {
      return { caseId: id, check, status: "fail", detail: describe(error) };
    }
  });
}

/**
 * Turns the failures of a listed case into expected failures; a listed case
 * whose checks all pass gets a failing line of its own, so that the list can
 * only shrink (protobuf-es does the same with its conformance lists).
 */
function applyExpectedFailures(caseId: string, results: CheckResult[], reason: string | undefined): CheckResult[] {
  if (reason === undefined) return results;
  if (!results.some((r) => r.status === "fail")) {
    // With a check skipped, a listed gap may simply not have been reached.
    if (results.some((r) => r.status === "skip")) return results;
    return [
      ...results,
      {
        caseId,
        check: "expected-failures",
        status: "fail",
        detail: `listed as a known gap ("${reason}") but passes now: remove it from expected-failures.txt`,
      },
    ];
  }
  return results.map((r) => (r.status === "fail" ? { ...r, status: "expected-fail", detail: `${reason}: ${r.detail ?? ""}` } : r));
}

function summarize(results: CheckResult[], protocSkipReason: string | undefined): ConformanceReport {
  const count = (status: CheckStatus) => results.filter((r) => r.status === status).length;
  return {
    results,
    passed: count("pass"),
    failed: count("fail"),
    skipped: count("skip"),
    expectedFailures: count("expected-fail"),
    protocSkipReason,
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.name === "CheckFailure" ? error.message : `${error.name}: ${error.message}`;
  return String(error);
}
