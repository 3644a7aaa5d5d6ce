/**
 * Why a command stopped: `usage` for arguments that cannot work (exit 2),
 * `io` for a path that cannot be read or written (exit 2), `data` for input
 * that is not a valid payload (exit 1).
 */
export type CliErrorKind = "usage" | "io" | "data";

/**
 * An error meant for the person at the terminal. Its message is one line
 * without the `envoy-tap-tunnel: ` prefix (the printer adds it), and it is
 * never shown with a stack trace.
 */
export class CliError extends Error {
  override readonly name = "CliError";
  /** The file or path the error is about, when it is about one (reports carry it as `file`). */
  readonly file: string | undefined;
  constructor(
    readonly kind: CliErrorKind,
    message: string,
    options?: { cause?: unknown; file?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.file = options?.file;
  }

  /** The process exit code this error ends a command with. */
  get exitCode(): 1 | 2 {
    return this.kind === "data" ? 1 : 2;
  }
}

/** Whether `error` is a {@link CliError}. */
export function isCliError(error: unknown): error is CliError {
  return error instanceof Error && error.name === "CliError";
}

/** Exit codes of every command. */
export const ExitCode = {
  /** Everything checked is valid (or the command did its job). */
  ok: 0,
  /** At least one payload is invalid or could not be decoded or converted. */
  invalid: 1,
  /** Bad arguments, or a path that cannot be read or written. */
  usage: 2,
} as const;

/**
 * A one-line reason for a failed file operation on `path`, such as
 * `cannot read payloads/x.pb: permission denied`. Node's own messages repeat
 * the syscall and path (`EACCES: permission denied, open 'x'`), so the
 * common codes get a plain phrase and others fall back to the code.
 */
export function describeIoError(verb: string, path: string, error: unknown): CliError {
  const code = (error as { code?: unknown } | null)?.code;
  const reason = typeof code === "string" ? (IO_REASONS[code] ?? code) : oneLine(error);
  return new CliError("io", `cannot ${verb} ${path}: ${reason}`, { cause: error, file: path });
}

const IO_REASONS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a directory",
  ENOTDIR: "not a directory",
  EMFILE: "too many open files",
  ENOSPC: "no space left on device",
  EROFS: "read-only file system",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long",
  EIO: "input/output error",
};

/** The message of any thrown value on a single line, for printing after `envoy-tap-tunnel: `. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*[\r\n]+\s*/g, " ").trim() || "unknown error";
}
