/**
 * An AbortSignal that aborts on the process's first SIGINT or SIGTERM, for
 * commands that run until stopped (`serve`, `report`). The handlers are
 * removed then, so a second signal ends the process as Node does by default.
 */
export function processStopSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return controller.signal;
}
