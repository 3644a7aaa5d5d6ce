import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The real Envoy trace (HTTP/2 over IPv4) in text format, as committed under examples/valid. */
export const envoyTraceText: Uint8Array = readFileSync(
  fileURLToPath(new URL("../../examples/valid/tap2pcap-h2-ipv4.pb_text", import.meta.url)),
);

/** The UTF-8 bytes of `text`. */
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** `bytes` as an async stream of chunks of the given sizes (the last size repeats). */
export async function* chunked(bytes: Uint8Array, sizes: readonly number[] = [1]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  let i = 0;
  while (offset < bytes.length) {
    const size = Math.max(1, sizes[Math.min(i++, sizes.length - 1)]!);
    yield bytes.slice(offset, offset + size);
    offset += size;
  }
}

/** Collects an async iterable into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Joins byte chunks. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** The message of what `run` throws (or rejects with), or a failure marker when it does not throw. */
export async function errorOf(run: () => unknown): Promise<Error> {
  try {
    await run();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error("expected an error, but none was thrown");
}
