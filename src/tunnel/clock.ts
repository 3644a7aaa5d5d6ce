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
 * The host's timers (`globalThis.setTimeout`), as they are: in Node a pending
 * timer keeps the process alive, so a reporter waiting to reconnect does.
 */
export const systemTimers: Timers = {
  setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};

/**
 * The host's timers, unref'd where the host supports it (Node), so a pending
 * timer never keeps a process alive on its own: for background chores such as
 * grace-period expiry, which only matter while a server holds the process.
 */
export const backgroundTimers: Timers = {
  setTimeout(callback, delayMs) {
    const handle = globalThis.setTimeout(callback, delayMs) as unknown as { unref?: () => void };
    if (typeof handle === "object" && handle !== null && typeof handle.unref === "function") handle.unref();
    return handle;
  },
  clearTimeout: systemTimers.clearTimeout,
};
