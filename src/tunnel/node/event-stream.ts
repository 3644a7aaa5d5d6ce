import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RegistryEvent, TunnelRegistry } from "../index.js";
import { eventJson, nodeJson, tunnelJson } from "./view-json.js";

/** Bytes a slow `/events` client may leave unread before the server drops it. */
const maxBufferedBytes = 4 * 2 ** 20;
/** Nodes or tunnels per `snapshot` event: one store page each. */
const snapshotPageSize = 1_000;
/** Past this many unsent bytes, the snapshot waits for the client before reading its next page. */
const snapshotHighWater = 256 * 1024;
/** Changes a stream holds back while its snapshot is read; past this many, the client is dropped (it reconnects and reads a fresh snapshot). */
const maxPendingEvents = 100_000;
/** A comment line this often keeps proxies from closing an idle stream. */
const keepAliveMs = 15_000;

/** The open `/events` streams of one server. */
export interface EventStreams {
  /** Serves `GET /events` on `response`. */
  serve(request: IncomingMessage, response: ServerResponse): void;
  /** Ends every open stream (server shutdown). */
  closeAll(): void;
  /** How many streams are open. */
  readonly size: number;
}

/**
 * Server-sent events of registry changes. Each stream starts with the
 * snapshot, in pages: `snapshot` events `{ part, nodes, tunnels, last }`
 * (nodes and tunnels as `/nodes` and `/tunnels` show them; `part` counts from
 * 0, which starts a new copy, and `last` is true on the final one), the nodes
 * first, a store page (1,000) per event, read only as the client takes them;
 * then one event per registry change, named after its `type`
 * (`tunnel-added`, `tunnel-removed`, `node-connected`, `node-disconnected`,
 * `node-expired`, `report-anomaly`). Changes that happen while the snapshot is
 * read are sent after it; applying them twice is harmless, since every event
 * names the node and tunnel it sets or removes.
 */
export function createEventStreams(registry: TunnelRegistry): EventStreams {
  const open = new Set<ServerResponse>();
  return {
    get size() {
      return open.size;
    },
    closeAll() {
      for (const response of open) response.end();
      open.clear();
    },
    serve(request, response) {
      response.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
      });
      open.add(response);
      let pending: RegistryEvent[] | undefined = [];
      const send = (type: string, data: object) => {
        if (response.writableEnded) return;
        // A client that stops reading must not make the server hold every event for it.
        if (response.writableLength > maxBufferedBytes) {
          stop();
          response.destroy();
          return;
        }
        response.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const forward = (event: RegistryEvent) => {
        const json = eventJson(event);
        if (json !== undefined) send(json.type, json.data);
      };
      const unsubscribe = registry.subscribe((event) => {
        if (pending === undefined) forward(event);
        else if (pending.push(event) > maxPendingEvents) {
          stop();
          response.destroy();
        }
      });
      const keepAlive = setInterval(() => {
        if (!response.writableEnded) response.write(": keep-alive\n\n");
      }, keepAliveMs);
      keepAlive.unref();
      const stop = () => {
        unsubscribe();
        clearInterval(keepAlive);
        open.delete(response);
      };
      request.on("close", stop);
      response.on("close", stop);
      void sendSnapshot(registry, response, send).then(
        () => {
          const queued = pending ?? [];
          pending = undefined;
          for (const event of queued) forward(event);
        },
        () => {
          stop();
          response.end();
        },
      );
    },
  };
}

/**
 * Sends the registry's nodes, then its tunnels, one store page per `snapshot`
 * event, so neither the server nor the store reads every tunnel at once; it
 * waits for a slow client to drain before reading on, and stops when the
 * client goes.
 */
async function sendSnapshot(registry: TunnelRegistry, response: ServerResponse, send: (type: string, data: object) => void): Promise<void> {
  let part = 0;
  const sendPart = async (nodes: object[], tunnels: object[], last: boolean) => {
    send("snapshot", { part: part++, nodes, tunnels, last });
    if (!last && response.writableLength > snapshotHighWater && !response.destroyed) {
      await Promise.race([once(response, "drain"), once(response, "close")]);
    }
  };
  let nodeCursor: string | undefined;
  do {
    if (response.destroyed || response.writableEnded) return;
    const page = await registry.nodePage(nodeCursor, snapshotPageSize);
    nodeCursor = page.next;
    if (page.nodes.length > 0) await sendPart(page.nodes.map(nodeJson), [], false);
  } while (nodeCursor !== undefined);
  let tunnelCursor: string | undefined;
  do {
    if (response.destroyed || response.writableEnded) return;
    const page = await registry.tunnelPage(tunnelCursor, snapshotPageSize);
    tunnelCursor = page.next;
    await sendPart([], page.tunnels.map((t) => tunnelJson(t, t.reportingNode)), tunnelCursor === undefined);
  } while (tunnelCursor !== undefined);
}
