import { backgroundTimers, type TimerHandle, type Timers } from "./clock.js";
import type { TunnelRegistry } from "./tunnel-registry.js";

/** Options of {@link startExpiryTimer}. */
export interface ExpiryTimerOptions {
  /** By default, the host's timers, unref'd (`backgroundTimers`): the expiry timer never keeps a process alive. */
  readonly timers?: Timers;
  /** Called when `expireDue` rejects (a store failure); by default, ignored. The timer keeps running. */
  readonly onError?: (error: unknown) => void;
}

/** setTimeout's largest delay; a later deadline is reached in steps. */
const MAX_DELAY_MS = 2_147_483_647;

/**
 * Runs the registry's grace-period expiry: keeps one timer armed at
 * `registry.nextDeadline()` (read against `registry.clock`), calls
 * `registry.expireDue()` when it fires, and re-arms whenever a node connects
 * or disconnects. Returns the function that stops it.
 */
export function startExpiryTimer(registry: TunnelRegistry, options: ExpiryTimerOptions = {}): () => void {
  const timers = options.timers ?? backgroundTimers;
  let handle: TimerHandle | undefined;
  let stopped = false;
  let expiring = false;

  const arm = (): void => {
    if (handle !== undefined) timers.clearTimeout(handle);
    handle = undefined;
    if (stopped || expiring) return;
    const deadline = registry.nextDeadline();
    if (deadline === undefined) return;
    handle = timers.setTimeout(fire, Math.min(MAX_DELAY_MS, Math.max(0, deadline - registry.clock.now())));
  };

  const fire = (): void => {
    handle = undefined;
    expiring = true;
    registry
      .expireDue()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        expiring = false;
        arm();
      });
  };

  const unsubscribe = registry.subscribe((event) => {
    if (event.type === "node-disconnected" || event.type === "node-connected") arm();
  });
  arm();
  return () => {
    stopped = true;
    unsubscribe();
    if (handle !== undefined) timers.clearTimeout(handle);
    handle = undefined;
  };
}
