/**
 * Time as the tunnel code sees it: a clock to read and timers to arm. Both are
 * injected so tests drive time by hand and the registry stays free of I/O.
 */

/** Reads the current time in milliseconds since the Unix epoch. */
export interface Clock {
  now(): number;
}

/** An opaque handle returned by {@link Timers.setTimeout}. */
export type TimerHandle = unknown;

/** Arms and disarms one-shot timers (the subset of the host's timer API the package uses). */
export interface Timers {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The host's wall clock (`Date.now()`). */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * The host's timers (`globalThis.setTimeout`). In Node the timers are unref'd,
 * so a pending report or expiry never keeps a process alive on its own.
 */
export const systemTimers: Timers = {
  setTimeout(callback, delayMs) {
    const handle = globalThis.setTimeout(callback, delayMs) as unknown as { unref?: () => void };
    if (typeof handle === "object" && handle !== null && typeof handle.unref === "function") handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]);
  },
};
