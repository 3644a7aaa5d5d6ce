import type { Writer } from "../io.js";

/** Styling functions; each returns its text unchanged when colors are off. */
export interface Colors {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly green: (text: string) => string;
}

/**
 * Colors for a writer: only on a terminal, and never when `NO_COLOR` is set
 * to a non-empty value (https://no-color.org) or `TERM` is `dumb`, so logs,
 * pipes and CI output stay plain text that tests and `grep` can match.
 */
export function colorsFor(writer: Writer, env: Readonly<Record<string, string | undefined>>): Colors {
  const enabled = writer.isTTY && (env["NO_COLOR"] ?? "") === "" && env["TERM"] !== "dumb";
  const style = (open: number, close: number) => (text: string) => (enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return {
    bold: style(1, 22),
    dim: style(2, 22),
    red: style(31, 39),
    yellow: style(33, 39),
    green: style(32, 39),
  };
}
