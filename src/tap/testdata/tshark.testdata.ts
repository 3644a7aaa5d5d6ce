/**
 * Running Debian's tshark on captures the tests write. A missing tshark
 * fails under CI and skips locally with the reason printed
 * (`requireTool`).
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { requireTool } from "../../../test/support/external-tool.js";

/** Why tshark cannot run (the test skips), or undefined; throws under CI when it is missing. */
export function tsharkMissing(): string | undefined {
  return requireTool("tshark", ["--version"]);
}

/** Runs tshark with `args` and returns its stdout; a non-zero exit throws with its stderr. */
export function tshark(args: readonly string[]): string {
  const result = spawnSync("tshark", [...args], { encoding: "utf8", maxBuffer: 1 << 30 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`tshark ${args.join(" ")} failed (exit ${result.status}): ${result.stderr}`);
  return result.stdout;
}

/**
 * Runs tshark with `args` and hands each line of its stdout to `onLine` as
 * it comes, so output of hundreds of megabytes (Follow TCP Stream of a
 * large capture) is never held whole; a non-zero exit rejects with stderr.
 */
export async function tsharkLines(args: readonly string[], onLine: (line: string) => void): Promise<void> {
  const child = spawn("tshark", [...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const closed = once(child, "close") as Promise<[number | null]>;
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) onLine(line);
  const [code] = await closed;
  if (code !== 0) throw new Error(`tshark ${args.join(" ")} failed (exit ${code}): ${stderr}`);
}

/** One row of `tshark -P`: time in nanoseconds (pcap shows microseconds, pcapng nanoseconds), then the columns after it. */
export interface PacketRow {
  readonly nanos: number;
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly length: number;
  readonly info: string;
}

/** Parses the default one-line summaries `tshark -r FILE -P` prints. */
export function parsePacketRows(text: string): PacketRow[] {
  const rows: PacketRow[] = [];
  for (const line of text.split("\n")) {
    const match = /^\s*\d+\s+(\d+)\.(\d{6}|\d{9})\s+(\S+)\s+→\s+(\S+)\s+(\S+)\s+(\d+)\s+(.*)$/.exec(line);
    if (match === null) continue;
    rows.push({
      nanos: Number(match[1]) * 1_000_000_000 + Number(match[2]!.padEnd(9, "0")),
      source: match[3]!,
      destination: match[4]!,
      protocol: match[5]!,
      length: Number(match[6]),
      info: match[7]!.trimEnd(),
    });
  }
  return rows;
}
