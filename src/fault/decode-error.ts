import type { InputPosition } from "./position.js";

/** The encodings the package reads and writes. */
export type Format = "binary" | "delimited" | "json" | "ndjson" | "text";

/** Where a decoding fault happened, as far as it is known. */
export interface DecodeLocation {
  /** The file name, or `-` for standard input. */
  readonly fileName?: string;
  /** 0-based index of the message within a stream or array. */
  readonly index?: number;
  readonly position?: InputPosition;
  /** The proto field path being decoded, when known. */
  readonly path?: string;
}

/**
 * The one error the codec throws for bytes or text it cannot decode. Its
 * message reads `cannot decode TYPE from FORMAT: REASON at byte N` (or
 * `at line L:C`), and it carries the structured location so that callers can
 * print `FILE:LINE:COL` or `FILE #INDEX @BYTE`.
 */
export class DecodeError extends Error {
  override readonly name = "DecodeError";
  /**
   * The fault's rule id, as a validator reports the same defect
   * (`wire.truncated`, `input.too_large`; see `src/fault/rule-ids.ts`):
   * set for every binary fault the wire walk names; undefined where the
   * decoder has no id of its own for the fault.
   */
  readonly ruleId: string | undefined;
  constructor(
    readonly typeName: string,
    readonly format: Format,
    readonly reason: string,
    readonly location: DecodeLocation = {},
    options?: { readonly cause?: unknown; readonly ruleId?: string | undefined },
  ) {
    super(`cannot decode ${typeName} from ${format}: ${reason}${describePosition(location.position)}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.ruleId = options?.ruleId;
  }

  /** Where the fault is: a byte offset (binary, delimited) or a line and column. */
  get position(): InputPosition | undefined {
    return this.location.position;
  }

  /** The proto field path of the fault, when known. */
  get path(): string | undefined {
    return this.location.path;
  }
}

function describePosition(position: InputPosition | undefined): string {
  if (position === undefined) return "";
  return "offset" in position ? ` at byte ${position.offset}` : ` at line ${position.line}:${position.column}`;
}

/** Whether `error` is a {@link DecodeError}. */
export function isDecodeError(error: unknown): error is DecodeError {
  return error instanceof Error && error.name === "DecodeError";
}
