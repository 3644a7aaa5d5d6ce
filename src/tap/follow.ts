import type { ReassembledConnection } from "./reassemble.js";

/** Options of {@link followConnection}. */
export interface FollowOptions {
  /** Hex dump (offset, 16 bytes in hex, printable ASCII) instead of text. By default, text. */
  readonly hex?: boolean;
}

const latin1 = new TextDecoder("latin1");

/**
 * Each direction's bytes of a connection in event order, like Wireshark's
 * Follow TCP Stream: a marker line per event (`>>> read 103 bytes (peer →
 * Envoy)` / `<<< write 37 bytes (Envoy → peer)`), then the bytes as text
 * (non-printable bytes other than tab, CR and LF shown as `.`) or as a hex
 * dump whose offsets count each direction separately.
 */
export function* followConnection(connection: ReassembledConnection, options: FollowOptions = {}): Generator<string> {
  const offsets = { read: 0, write: 0 };
  for (const event of connection.events) {
    if (event.type === "closed") {
      yield "=== closed\n";
      continue;
    }
    const arrow = event.type === "read" ? ">>> read" : "<<< write";
    const direction = event.type === "read" ? "peer -> Envoy" : "Envoy -> peer";
    const notes = [event.endStream ? "end_stream" : "", event.truncated ? "truncated" : ""].filter(Boolean).join(", ");
    yield `${arrow} ${event.data.length} bytes (${direction})${notes === "" ? "" : ` [${notes}]`}\n`;
    if (options.hex === true) {
      yield hexDump(event.data, offsets[event.type]);
    } else if (event.data.length > 0) {
      const text = latin1.decode(event.data).replace(/[^\t\n\r\x20-\x7e]/g, ".");
      yield text.endsWith("\n") ? text : `${text}\n`;
    }
    offsets[event.type] += event.data.length;
  }
}

function hexDump(data: Uint8Array, start: number): string {
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += 16) {
    const row = data.subarray(i, i + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
    lines.push(`${(start + i).toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  ${ascii}\n`);
  }
  return lines.join("");
}
