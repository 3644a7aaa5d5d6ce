import type { Clock, TimerHandle, Timers } from "./clock.js";

/**
 * A clock and timers that move only when a test says so. `advance(ms)` fires
 * every timer due within the step, in deadline order, with the clock set to
 * each timer's deadline, and lets promise callbacks run between timers.
 */
export class FakeTime implements Clock, Timers {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  constructor(start = Date.UTC(2026, 0, 29, 10, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }

  /** How many timers are armed. */
  get pending(): number {
    return this.#timers.size;
  }

  /** The delays (from now) of the armed timers, soonest first. */
  pendingDelays(): number[] {
    return [...this.#timers.values()].map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves the clock forward by `ms`, firing due timers on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      await settle();
      let nextId: number | undefined;
      let next: { at: number; callback: () => void } | undefined;
      for (const [id, timer] of this.#timers) {
        if (timer.at <= end && (next === undefined || timer.at < next.at)) {
          next = timer;
          nextId = id;
        }
      }
      if (next === undefined) break;
      this.#timers.delete(nextId!);
      this.#now = next.at;
      next.callback();
    }
    this.#now = end;
    await settle();
  }
}

/** Lets pending promise callbacks (and those they schedule) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
