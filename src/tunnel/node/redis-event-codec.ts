import type { NodeKey, RegistryEvent, TunnelRecord } from "../index.js";
import { formatNodeKey } from "../index.js";

/**
 * One pub/sub message of the Redis store: a batch of events from one replica.
 *
 * Two parts, split at the first line break: a small JSON header
 * `{"from": replica id, "keys": [node keys the events touch]}` and the events
 * as a JSON array. A receiver reads the header at once (to drop its stale
 * copies of those nodes) and may decode the events later, in slices, so a
 * burst of messages never blocks its event loop. `JSON.stringify` escapes line
 * breaks, so the first one always ends the header.
 */
export interface EventBatchHeader {
  readonly from: string;
  readonly keys: readonly string[];
}

/**
 * Encodes `events` as one message. `tunnelJson` returns a tunnel's JSON text
 * (the store hands over the text it already wrote to Redis, so a full push's
 * tunnels are serialized once, not twice).
 */
export function encodeEventBatch(from: string, events: readonly RegistryEvent[], tunnelJson: (tunnel: TunnelRecord) => string): string {
  // A report's events share their node and stream: each is serialized once per message.
  const nodes = new Map<NodeKey, { key: string; json: string }>();
  const streams = new Map<string, string>();
  let body = "";
  for (const event of events) {
    let node = nodes.get(event.node);
    if (node === undefined) {
      node = { key: formatNodeKey(event.node), json: JSON.stringify(event.node) };
      nodes.set(event.node, node);
    }
    if (body !== "") body += ",";
    if (event.type === "tunnel-added" || event.type === "tunnel-removed") {
      let stream = "";
      if (event.streamId !== undefined) {
        stream = streams.get(event.streamId) ?? `,"streamId":${JSON.stringify(event.streamId)}`;
        streams.set(event.streamId, stream);
      }
      const reason = event.type === "tunnel-removed" ? `,"reason":${JSON.stringify(event.reason)}` : "";
      body += `{"type":"${event.type}","at":${JSON.stringify(event.at)},"node":${node.json}${stream}${reason},"tunnel":${tunnelJson(event.tunnel)}}`;
    } else {
      body += JSON.stringify(event);
    }
  }
  const keys = new Set<string>();
  for (const node of nodes.values()) keys.add(node.key);
  return `${JSON.stringify({ from, keys: [...keys] })}\n[${body}]`;
}

/**
 * The header of a message (its UTF-8 bytes, as pub/sub delivers them), and
 * the events' bytes, not decoded; `undefined` for a message that is not one of ours.
 */
export function decodeEventBatchHeader(message: Uint8Array): { header: EventBatchHeader; body: Buffer } | undefined {
  const bytes = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  const end = bytes.indexOf(0x0a);
  if (end < 0) return undefined;
  try {
    const header = JSON.parse(bytes.toString("utf8", 0, end)) as EventBatchHeader;
    if (typeof header?.from !== "string" || !Array.isArray(header.keys)) return undefined;
    return { header, body: bytes.subarray(end + 1) };
  } catch {
    return undefined;
  }
}

/** The events of a message body (see {@link decodeEventBatchHeader}); `[]` for a malformed one. */
export function decodeEventBatchBody(body: string): RegistryEvent[] {
  try {
    const events = JSON.parse(body) as unknown;
    return Array.isArray(events) ? (events as RegistryEvent[]) : [];
  } catch {
    return [];
  }
}
