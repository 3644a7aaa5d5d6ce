import { createReadStream, createWriteStream } from "node:fs";
import { readdir, readFile, rename, rm, stat } from "node:fs/promises";
import type { Writable } from "node:stream";
import type { CliFileSystem, CliIO, FileWriter, Writer } from "./io.js";

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
  readChunks(path) {
    // 1 MiB chunks: fewer await hops than the 64 KiB default on large traces.
    return createReadStream(path, { highWaterMark: 1 << 20 });
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
