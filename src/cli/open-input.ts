// The codec's own chunk joiner (not exported from its index; see read-frames.ts).
import { concatChunks } from "../fault/framing.js";
import { describeIoError } from "./cli-error.js";
import { inputName, type Input } from "./discover-inputs.js";
import type { CliIO } from "./io.js";
import { withProgress } from "./progress.js";

/** How many bytes are read ahead to detect the format and infer the type. */
const HEAD_BYTES = 64 * 1024;

/** An input opened for reading: its first bytes, and all of its bytes as a stream. */
export interface OpenedInput {
  /** At least the first 64 KiB (or the whole input when smaller). */
  readonly head: Uint8Array;
  /** Whether {@link head} is the whole input. */
  readonly headIsWholeInput: boolean;
  /** Every chunk of the input from its first byte, the head included. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /**
   * Lets the chunks still to come share buffers (see `CliFileSystem.readChunks`),
   * for a caller done with each chunk when it asks for the next. The head stays.
   */
  readInPlace(): void;
}

/**
 * Opens an input and reads its first bytes so that the format and type can
 * be decided before decoding starts, without reading a large file twice or
 * holding it in memory: the chunks read ahead are replayed in front of the
 * rest. Read errors (here or later, while streaming) become one-line
 * {@link CliError}s of kind `io`.
 */
export async function openInput(input: Input, io: CliIO): Promise<OpenedInput> {
  const name = inputName(input);
  const reading = { inPlace: false };
  const source = input.kind === "stdin" ? io.stdin : io.fs.readChunks(input.path, reading);
  const progressed = withProgress(source, {
    name,
    ...(input.kind === "file" ? { size: input.size } : {}),
    stderr: io.stderr,
    thresholdBytes: io.progressThresholdBytes ?? 100 * 1024 * 1024,
  });
  const iterator = progressed[Symbol.asyncIterator]();
  const ahead: Uint8Array[] = [];
  let aheadBytes = 0;
  let done = false;
  try {
    while (aheadBytes < HEAD_BYTES) {
      const next = await iterator.next();
      if (next.done === true) {
        done = true;
        break;
      }
      ahead.push(next.value);
      aheadBytes += next.value.length;
    }
  } catch (error) {
    throw describeIoError("read", name, error);
  }
  return {
    head: concatChunks(ahead, aheadBytes),
    headIsWholeInput: done,
    chunks: replay(ahead, done ? undefined : iterator, name),
    readInPlace: () => {
      reading.inPlace = true;
    },
  };
}

async function* replay(
  ahead: readonly Uint8Array[],
  rest: AsyncIterator<Uint8Array> | undefined,
  name: string,
): AsyncGenerator<Uint8Array> {
  yield* ahead;
  if (rest === undefined) return;
  for (;;) {
    let next;
    try {
      next = await rest.next();
    } catch (error) {
      throw describeIoError("read", name, error);
    }
    if (next.done === true) return;
    yield next.value;
  }
}
