/** The shortest `report_interval` a server may send: 25 ms (Envoy's `duration.gte`). */
export const MIN_REPORT_INTERVAL_MS = 25;
/** The longest `report_interval` a server may send: one hour (Envoy's `duration.lte`). */
export const MAX_REPORT_INTERVAL_MS = 3_600_000;

/**
 * Refuses a report interval Envoy's rules do not allow. Envoy does not clamp
 * what it receives, so the server must never send one out of range.
 *
 * @throws RangeError outside 25 ms..1 h, or when not a finite number.
 */
export function checkReportInterval(intervalMs: number): number {
  if (!Number.isFinite(intervalMs) || intervalMs < MIN_REPORT_INTERVAL_MS || intervalMs > MAX_REPORT_INTERVAL_MS) {
    throw new RangeError(`report interval must be between 25ms and 3600s, got ${intervalMs}ms`);
  }
  return intervalMs;
}
