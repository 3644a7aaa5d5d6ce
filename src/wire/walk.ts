import type { Registry } from "@bufbuild/protobuf";
import { formatPath, type PathSegment } from "../fault/path.js";
import type { Violation } from "../fault/violation.js";
import { WireFault } from "./cursor.js";
import type { MessagePlan } from "./plan.js";
import { STOP } from "./stop.js";
import { Walker } from "./walker.js";

/**
 * How a walk runs:
 *
 * - `verdict`: stops at the first finding of any kind (a fault, two members
 *   of a oneof, a field twice, a broken rule of a ruled plan, or anything
 *   the walk cannot decide); keeps no path.
 * - `report`: goes on past findings that leave the bytes readable, collects
 *   every one with its path and byte offset, and stops at the first fault
 *   that makes the rest unreadable.
 * - `locate`: stops at the first fault a decoder must refuse (a malformed
 *   value, a field protobuf-es would misread, a map key `__proto__`); keeps
 *   no path (walk again in `report` mode for it).
 */
export type WalkMode = "verdict" | "report" | "locate";

/** Options of {@link walk}. */
export interface WalkOptions {
  readonly mode: WalkMode;
  /** The decoder's nesting limit. By default, 100 (protobuf-es). */
  readonly depthLimit?: number;
  /** Messages packed in `google.protobuf.Any` of a type this registry knows are walked too. */
  readonly registry?: Registry | undefined;
  /** Passed to the value tests of a ruled plan (the validator's evaluation context). */
  readonly context?: unknown;
  /** In `report` mode: paths whose first byte offset to record into `offsets`. */
  readonly wanted?: ReadonlySet<string>;
  readonly offsets?: Map<string, number>;
  /**
   * In `report` mode with a ruled plan: check the rules as a verdict walk
   * does, and record here each outermost message whose rules are not
   * certainly kept, outside maps and `Any` payloads (the root when nothing
   * smaller holds the failure). The report is the same as without.
   */
  readonly failing?: FailingMessage[];
}

/** A message a walk with `failing` could not prove valid: its plan, path, value bytes `[start, end)` and field tag offset (-1 for the root). */
export interface FailingMessage {
  readonly plan: MessagePlan;
  readonly path: readonly PathSegment[];
  readonly start: number;
  readonly end: number;
  readonly tagOffset: number;
}

/** What a `report` or `locate` walk found. */
export interface WalkReport {
  /** Faults and rule breaks (`oneof.multiple`, `wire.forbidden_key`), each with path and offset. */
  readonly violations: Violation[];
  /** `wire.duplicate_field`. */
  readonly warnings: Violation[];
  /** Whether the walk stopped at a fault (the first violation's cause is then the last violation). */
  readonly malformed: boolean;
}

/** Walks `bytes` as a message of `plan`'s type; returns `true`/`false` in `verdict` mode, findings otherwise. */
export function walk(bytes: Uint8Array, plan: MessagePlan, options: WalkOptions & { readonly mode: "verdict" }): boolean;
export function walk(bytes: Uint8Array, plan: MessagePlan, options: WalkOptions): WalkReport | boolean;
export function walk(bytes: Uint8Array, plan: MessagePlan, options: WalkOptions): WalkReport | boolean {
  const walker = new Walker(bytes, options);
  try {
    if (options.failing !== undefined) walker.triage(plan, bytes.length, 1, -1);
    else walker.message(plan, bytes.length, 1, -1);
  } catch (error) {
    if (options.mode === "verdict" && (error === STOP || error instanceof WireFault)) return false;
    if (!(error instanceof WireFault)) throw error;
    walker.violations.push({ path: formatPath(walker.path), ruleId: error.ruleId, message: error.message, position: { offset: error.offset } });
    return { violations: walker.violations, warnings: walker.warnings, malformed: true };
  }
  return options.mode === "verdict" ? true : { violations: walker.violations, warnings: walker.warnings, malformed: false };
}
