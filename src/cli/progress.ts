import type { Writer } from "./io.js";
import { escapeControl } from "./report/escape-control.js";

/** Options of {@link withProgress}. */
export interface ProgressOptions {
  /** The input's display name. */
  readonly name: string;
  /** The input's size in bytes, when known (not for standard input). */
  readonly size?: number;
  readonly stderr: Writer;
  /** Inputs up to this many bytes get no progress line. */
  readonly thresholdBytes: number;
  /** Milliseconds between updates. By default, 250. */
  readonly intervalMillis?: number;
}

const MiB = 1024 * 1024;

/**
 * Passes `source` through and, for an input larger than the threshold when
 * stderr is a terminal, keeps one line on stderr up to date:
 * `big.pb_length_delimited: 120 of 1024 MiB (11%)`. The line is rewritten in
 * place (`\r` and erase-line) and erased at the end, so neither a log file
 * nor a pipe ever sees it. Standard input shows a count without a total once
 * it passes the threshold.
 */
export async function* withProgress(source: AsyncIterable<Uint8Array>, options: ProgressOptions): AsyncGenerator<Uint8Array> {
  const enabled = options.stderr.isTTY && (options.size === undefined || options.size > options.thresholdBytes);
  if (!enabled) {
    yield* source;
    return;
  }
  const interval = options.intervalMillis ?? 250;
  let bytes = 0;
  let shown = false;
  let lastUpdate = 0;
  try {
    for await (const chunk of source) {
      bytes += chunk.length;
      const now = Date.now();
      if (bytes > options.thresholdBytes && now - lastUpdate >= interval) {
        lastUpdate = now;
        shown = true;
        await options.stderr.write(`\r\x1b[K${progressText(escapeControl(options.name), bytes, options.size)}`);
      }
      yield chunk;
    }
  } finally {
    if (shown) await options.stderr.write("\r\x1b[K");
  }
}

/** The text of the progress line. */
export function progressText(name: string, bytes: number, size: number | undefined): string {
  const read = Math.floor(bytes / MiB);
  if (size === undefined || size === 0) return `${name}: ${read} MiB read`;
  const percent = Math.min(100, Math.floor((bytes / size) * 100));
  return `${name}: ${read} of ${Math.round(size / MiB)} MiB (${percent}%)`;
}
