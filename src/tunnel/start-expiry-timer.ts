import { systemTimers, type Timers } from "./clock.js";
import type { TunnelRegistry } from "./tunnel-registry.js";

/** Options of {@link startExpiryTimer}. */
export interface ExpiryTimerOptions {
  /** By default, the host's timers. */
  readonly timers?: Timers;
  /** Called when `expireDue` rejects (a store failure); by default, ignored. The timer keeps running. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Runs the registry's grace-period expiry: keeps one timer armed at
 * `registry.nextDeadline()`, calls `registry.expireDue()` when it fires, and
 * re-arms whenever a node connects or disconnects. Returns the function that
 * stops it.
 */
export function startExpiryTimer(registry: TunnelRegistry, options: ExpiryTimerOptions = {}): () => void {
  void registry;
  void options;
  void systemTimers;
  throw new Error("not implemented");
}
