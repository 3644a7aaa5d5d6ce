/** Milliseconds per unit of a duration as Envoy writes them. */
const unitMs: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Reads a duration as Envoy writes them, a decimal number and a unit:
 * `5s`, `250ms`, `1.5s`, `2m`, `1h`. Returns milliseconds (rounded to a whole
 * millisecond, the finest step the reporting protocol's timers use), or a
 * one-line error naming the option: `--grace must be a duration such as 5s,
 * 250ms or 1.5s, not "30"`.
 */
export function parseDuration(option: string, text: string): { ok: true; ms: number } | { ok: false; error: string } {
  const match = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)$/.exec(text);
  if (match === null) {
    const hint = /^\d+(\.\d+)?$/.test(text) ? " (a unit is required: ms, s, m or h)" : "";
    return { ok: false, error: `${option} must be a duration such as 5s, 250ms or 1.5s, not "${text}"${hint}` };
  }
  const ms = Math.round(Number(match[1]) * unitMs[match[2]!]!);
  if (!Number.isSafeInteger(ms)) return { ok: false, error: `${option} is too long: "${text}"` };
  return { ok: true, ms };
}

/** Formats milliseconds the way {@link parseDuration} reads them (`1.5s`, `250ms`). */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}

/** Reads a whole number option within `min..max`, or a one-line error. */
export function parseInteger(option: string, text: string, min: number, max: number): { ok: true; value: number } | { ok: false; error: string } {
  if (!/^\d+$/.test(text)) return { ok: false, error: `${option} must be a whole number, not "${text}"` };
  const value = Number(text);
  if (value < min || value > max) return { ok: false, error: `${option} must be between ${min} and ${max}, not ${text}` };
  return { ok: true, value };
}
