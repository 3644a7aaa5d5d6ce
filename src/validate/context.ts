import { formatPath, type PathSegment } from "../fault/path.js";
import type { Violation } from "../fault/violation.js";

/** Options of {@link validate} and its siblings. */
export interface ValidateOptions {
  /**
   * Stop at the first violation instead of collecting every one. By default,
   * every violation is reported.
   */
  readonly failFast?: boolean;
  /**
   * The time `timestamp.lt_now`, `gt_now` and `within` compare against. By
   * default, the clock is read once per call, when the first such rule is
   * evaluated.
   */
  readonly now?: Date;
}

/**
 * The mutable state of one validation run. Checks report at the current
 * `path` (the caller pushes the field name or index before calling a check),
 * so that a path string is only built when a violation is found.
 */
export class EvalContext {
  /** What the run found so far, in evaluation order. */
  readonly violations: Violation[] = [];
  /** Findings that are legal but suspicious (relations between fields, such as a trace's event order). */
  readonly warnings: Violation[] = [];
  /** Where the evaluation is: pushed and popped by the planned steps, formatted only on a violation. */
  readonly path: PathSegment[] = [];
  /** Set once a violation is reported under `failFast`; evaluators return early. */
  stopped = false;
  private readonly failFast: boolean;
  private readonly fixedNow: Date | undefined;
  private nowCache: bigint | undefined;

  constructor(options: ValidateOptions = {}) {
    this.failFast = options.failFast ?? false;
    this.fixedNow = options.now;
  }

  /** The validation time in nanoseconds since the Unix epoch, read once per run. */
  nowNanos(): bigint {
    if (this.nowCache === undefined) {
      const millis = (this.fixedNow ?? new Date()).getTime();
      this.nowCache = BigInt(millis) * 1_000_000n;
    }
    return this.nowCache;
  }

  /** Records a violation at the current path. */
  report(ruleId: string, message: string, value?: unknown, params?: Readonly<Record<string, unknown>>): void {
    const violation: { path: string; ruleId: string; message: string; value?: unknown; params?: Readonly<Record<string, unknown>> } = {
      path: formatPath(this.path),
      ruleId,
      message,
    };
    if (value !== undefined) violation.value = value;
    if (params !== undefined) violation.params = params;
    this.violations.push(violation);
    if (this.failFast) this.stopped = true;
  }

  /** Records a warning at `relativePath` under the current path. */
  warn(relativePath: string, ruleId: string, message: string, value?: unknown): void {
    const base = formatPath(this.path);
    const path = base === "" ? relativePath : relativePath === "" ? base : `${base}.${relativePath}`;
    this.warnings.push(value === undefined ? { path, ruleId, message } : { path, ruleId, message, value });
  }
}

/**
 * A planned check of one value (a field's value, a list element or a map
 * value). It reports violations at the context's current path.
 */
export type ValueCheck = (value: unknown, ctx: EvalContext) => void;

/** Runs several checks as one, stopping early under `failFast`; none runs on a value `exempt` accepts (`ignore_empty`). */
export function combineChecks(checks: readonly ValueCheck[], exempt?: (value: unknown) => boolean): ValueCheck | undefined {
  if (checks.length === 0) return undefined;
  const all: ValueCheck =
    checks.length === 1
      ? checks[0]!
      : (value, ctx) => {
          for (const check of checks) {
            check(value, ctx);
            if (ctx.stopped) return;
          }
        };
  if (exempt === undefined) return all;
  return (value, ctx) => {
    if (!exempt(value)) all(value, ctx);
  };
}
