import { createWriteStream } from "node:fs";
import { open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import type { Writable } from "node:stream";
import type { ChunkReading, CliFileSystem, CliIO, FileWriter, Writer } from "./io.js";

/** The {@link CliIO} of a real process: its streams, environment and file system. */
export function nodeIO(): CliIO {
  return {
    stdout: streamWriter(process.stdout, process.stdout.isTTY === true),
    stderr: streamWriter(process.stderr, process.stderr.isTTY === true),
    stdin: process.stdin,
    env: process.env,
    fs: nodeFileSystem,
  };
}

/**
 * Wraps a Node stream so that writes wait for `drain`: converting a large
 * stream to stdout must not buffer the whole output in memory.
 *
 * A reader that goes away (`envoy-tap-tunnel validate dir | head -1`)
 * closes the pipe. Every write, the pending ones included, then settles at
 * once and the rest of the output is dropped: a write that waited for a
 * `drain` that never comes would leave the event loop empty, and the
 * process would exit 0 before the command set the exit code its payloads
 * earned. Other stream errors reject the pending writes and every later one.
 */
function streamWriter(stream: Writable, isTTY: boolean): Writer {
  let closed = false;
  let failure: Error | undefined;
  const pending = new Set<(error?: Error) => void>();
  const stop = (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") closed = true;
    else failure ??= error;
    for (const settle of [...pending]) settle(error);
  };
  // A listener must exist, or an 'error' event would crash the process with
  // a stack trace.
  stream.on("error", stop);
  return {
    isTTY,
    write(chunk) {
      if (failure) return Promise.reject(failure);
      if (closed) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const settle = (error?: NodeJS.ErrnoException) => {
          pending.delete(settle);
          stream.off("drain", onDrain);
          if (error === undefined || error.code === "EPIPE") resolve();
          else reject(error);
        };
        const onDrain = () => settle();
        pending.add(settle);
        const ok = stream.write(chunk, (error) => {
          if (error) stop(error);
          else if (ok) settle();
        });
        if (!ok) stream.once("drain", onDrain);
      });
    },
  };
}

const nodeFileSystem: CliFileSystem = {
  async stat(path) {
    const info = await stat(path);
    return { isDirectory: info.isDirectory(), isFile: info.isFile(), size: info.isFile() ? info.size : 0 };
  },
  async readDirectory(path) {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.map((entry) => ({ name: entry.name, isDirectory: entry.isDirectory() }));
  },
  readChunks(path, reading) {
    return readFileChunks(path, reading ?? { inPlace: false });
  },
  async readFile(path) {
    return readFile(path);
  },
  async createFile(path) {
    const stream = createWriteStream(path);
    await new Promise<void>((resolve, reject) => {
      stream.once("open", () => resolve());
      stream.once("error", reject);
    });
    const writer = streamWriter(stream, false);
    const file: FileWriter = {
      isTTY: false,
      write: (chunk) => writer.write(chunk),
      close: () =>
        new Promise<void>((resolve, reject) => {
          stream.once("error", reject);
          stream.end(() => resolve());
        }),
    };
    return file;
  },
  async rename(from, to) {
    await rename(from, to);
  },
  async remove(path) {
    await rm(path, { force: true });
  },
};

/** Bytes per read: fewer await hops than a stream's 64 KiB on large traces. */
const CHUNK_BYTES = 1 << 20;

/**
 * Reads a file in chunks, the next read running while the caller works on
 * the current chunk. Under `reading.inPlace`, the two buffers take turns
 * instead of a fresh one per read: on a 1 GiB trace, a megabyte allocated
 * (and page-faulted) per read cost more than checking the messages in it,
 * and their garbage collection another part.
 */
async function* readFileChunks(path: string, reading: ChunkReading): AsyncGenerator<Uint8Array> {
  const file = await open(path, "r");
  let pending = file.read<Buffer>(Buffer.allocUnsafe(CHUNK_BYTES), 0, CHUNK_BYTES, null);
  try {
    let spare: Buffer | undefined;
    for (;;) {
      const { buffer, bytesRead } = await pending;
      if (bytesRead === 0) return;
      const next = spare ?? Buffer.allocUnsafe(CHUNK_BYTES);
      pending = file.read(next, 0, CHUNK_BYTES, null);
      // Decided before the chunk goes out: a chunk handed out before the
      // caller read in place (the head it keeps) is never overwritten.
      const recyclable = reading.inPlace;
      yield buffer.subarray(0, bytesRead);
      spare = recyclable ? buffer : undefined;
    }
  } finally {
    // A caller that stops early leaves a read in flight; it must not fail unheard.
    await pending.catch(() => undefined);
    await file.close();
  }
}
