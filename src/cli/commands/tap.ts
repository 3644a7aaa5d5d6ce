import { exportCapture, followConnection, readTraces, reassemble, summarize, type CaptureSource, type ChunkReading, type TraceFinding } from "../../tap/index.js";
import type { TapOptions } from "../args/tap-args.js";
import { CliError, describeIoError, ExitCode } from "../cli-error.js";
import { discoverInputs, inputName } from "../discover-inputs.js";
import type { CliIO } from "../io.js";
import { withProgress } from "../progress.js";

/**
 * `envoy-tap-tunnel tap pcap|summary|follow`: reads every input with
 * `readTraces`, reassembles the connections and writes a capture, a
 * summary or each connection's byte streams. Findings go to stderr (into
 * the JSON with `summary --json`). Exit 1 when a finding is an error (an
 * input that cannot be decoded, fragments that disagree), 2 for usage and
 * I/O errors, else 0.
 */
export async function tapCommand(options: TapOptions, io: CliIO): Promise<number> {
  const sources: CaptureSource[] = [];
  for await (const input of discoverInputs(options.inputs, io.fs)) {
    if (input.kind === "error") throw input.error;
    const name = inputName(input);
    // `tap pcap` reads every input twice; standard input can be read once, so its bytes are kept.
    const open = input.kind === "stdin" ? replayable(io.stdin) : (reading?: ChunkReading) => io.fs.readChunks(input.path, reading);
    let reads = 0;
    sources.push({
      name,
      open: (reading) => {
        // Progress shows on the first read only (a second read of the same input would count it twice).
        const chunks = reads++ === 0 ? withProgress(open(reading), { name, ...(input.kind === "file" ? { size: input.size } : {}), stderr: io.stderr, thresholdBytes: io.progressThresholdBytes ?? 100 * 1024 * 1024 }) : open(reading);
        return readErrorsAsIo(chunks, name);
      },
    });
  }
  const readOptions = {
    ...(options.type !== undefined ? { type: options.type } : {}),
    ...(options.connectionLayout !== undefined ? { connectionLayout: options.connectionLayout } : {}),
    ...(options.format !== undefined ? { format: options.format } : {}),
  };
  if (options.subcommand === "pcap") {
    const findings = await writeToFile(io, options.output, (sink) => exportCapture(sources, sink, { read: readOptions, pcapng: options.pcapng, mss: options.mss }));
    await printFindings(io, findings);
    return findings.some((f) => f.severity === "error") ? ExitCode.invalid : ExitCode.ok;
  }
  const reassembly = await reassemble(readTraces(sources.map((s) => ({ name: s.name, chunks: s.open() })), readOptions));
  const findings: TraceFinding[] = [...reassembly.findings, ...reassembly.connections.flatMap((c) => c.findings)];
  switch (options.subcommand) {
    case "summary": {
      const rows = summarize(reassembly);
      if (options.json) {
        const loose = reassembly.findings;
        await io.stdout.write(`${JSON.stringify({ connections: rows, findings: loose }, null, 2)}\n`);
      } else {
        await io.stdout.write(summaryTable(rows));
        await printFindings(io, findings);
      }
      break;
    }
    case "follow": {
      const wanted = options.connection;
      const chosen = wanted === undefined ? reassembly.connections : reassembly.connections.filter((c) => c.key === wanted || c.key.endsWith(`:${wanted}`));
      if (wanted !== undefined && chosen.length === 0) {
        const known = reassembly.connections.map((c) => c.key).join(", ");
        throw new CliError("usage", `no connection "${wanted}" in the traces; they hold ${known === "" ? "none" : known}`);
      }
      for (const connection of chosen) {
        await io.stdout.write(`=== ${connection.key}${connection.synthesized ? " (synthesized from an HTTP trace)" : ""}\n`);
        for (const text of followConnection(connection, { hex: options.hex })) await io.stdout.write(text);
      }
      await printFindings(io, findings);
      break;
    }
  }
  return findings.some((f) => f.severity === "error") ? ExitCode.invalid : ExitCode.ok;
}

/** Standard input as an input that can be read more than once: its chunks are kept as they are first read. */
function replayable(chunks: AsyncIterable<Uint8Array>): () => AsyncIterable<Uint8Array> {
  const kept: Uint8Array[] = [];
  let done = false;
  return () =>
    done
      ? (async function* () {
          yield* kept;
        })()
      : (async function* () {
          for await (const chunk of chunks) {
            kept.push(chunk);
            yield chunk;
          }
          done = true;
        })();
}

/** Turns a read failure while streaming into a one-line I/O error (exit 2). */
async function* readErrorsAsIo(chunks: AsyncIterable<Uint8Array>, name: string): AsyncGenerator<Uint8Array> {
  try {
    yield* chunks;
  } catch (error) {
    throw describeIoError("read", name, error);
  }
}

/** Creates `path` and lets `write` fill it through a sink; I/O failures become one-line errors (exit 2). */
async function writeToFile<T>(io: CliIO, path: string, write: (sink: (bytes: Uint8Array) => Promise<void>) => Promise<T>): Promise<T> {
  let file;
  try {
    file = await io.fs.createFile(path);
  } catch (error) {
    throw describeIoError("write", path, error);
  }
  let writing = true;
  const sink = (bytes: Uint8Array) =>
    file.write(bytes).catch((error: unknown) => {
      writing = false;
      throw describeIoError("write", path, error);
    });
  const result = await write(sink);
  try {
    await file.close();
  } catch (error) {
    if (writing) throw describeIoError("write", path, error);
  }
  return result;
}

async function printFindings(io: CliIO, findings: readonly TraceFinding[]): Promise<void> {
  for (const finding of findings) {
    const position = finding.position === undefined ? "" : "offset" in finding.position ? ` @${finding.position.offset}` : `:${finding.position.line}:${finding.position.column}`;
    const where = finding.source !== undefined ? `${finding.source}${position}: ` : "";
    await io.stderr.write(`${where}${finding.severity}: ${finding.message} [${finding.ruleId}]\n`);
  }
}

function summaryTable(rows: ReturnType<typeof summarize>): string {
  const header = ["connection", "remote", "local", "first", "last", "duration_ns", "events", "bytes_read", "bytes_written", "half_closes", "truncated", "findings"];
  const lines = rows.map((r) => [r.id, r.remote, r.local, r.first ?? "-", r.last ?? "-", r.durationNanos, String(r.events), String(r.bytesRead), String(r.bytesWritten), String(r.halfCloses), r.truncated ? "yes" : "no", String(r.findings.length)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [header, ...lines].map((cells) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n") + "\n";
}
