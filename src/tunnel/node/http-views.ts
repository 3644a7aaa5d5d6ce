import type { IncomingMessage, ServerResponse } from "node:http";
import type { TunnelQuery, TunnelRegistry } from "../index.js";
import type { EventStreams } from "./event-stream.js";
import { filteredTunnelPage } from "./filtered-tunnel-page.js";
import { decodeCursor, encodeCursor, isNodeCursor, isTunnelCursor, parseLimit } from "./page-parameters.js";
import type { ServerMetrics } from "./server-metrics.js";
import { statusPageHtml } from "./status-page.js";
import { nodeJson, tunnelJson } from "./view-json.js";

/** What the HTTP views read. */
export interface HttpViewsContext {
  readonly registry: TunnelRegistry;
  readonly metrics: ServerMetrics;
  readonly events: EventStreams;
  /** Whether the server is shutting down (`/healthz` then answers 503). */
  readonly closing: () => boolean;
}

/** The `/tunnels` query parameters and the {@link TunnelQuery} field each sets. */
const tunnelFilters = { initiator: "initiator", tenant: "tenant", cluster: "cluster", node: "node" } as const;

/**
 * The request handler of the HTTP port: `GET /healthz`, `/tunnels`, `/nodes`,
 * `/metrics`, `/events` and the status page `/`. Answers are JSON (but
 * `/metrics`, `/events` and `/`); errors are `{ "error": message }` with a
 * 4xx status. It never throws: a failing registry is a 500.
 */
export function createHttpViews(context: HttpViewsContext): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handle(context, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: `internal error: ${error instanceof Error ? error.message : String(error)}` });
      else response.destroy();
    });
  };
}

async function handle(context: HttpViewsContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? "/", "http://localhost");
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.setHeader("allow", "GET, HEAD");
    sendJson(response, 405, { error: `method ${request.method} is not allowed; the views answer GET` });
    return;
  }
  switch (url.pathname) {
    case "/healthz":
      if (context.closing()) sendJson(response, 503, { status: "shutting-down" });
      else {
        // A degraded replica still ACKs from memory, so it stays in rotation (200) but says so.
        const store = context.registry.store.health?.();
        sendJson(response, 200, store?.degraded === true ? { status: "degraded", reason: store.reason } : { status: "ok" });
      }
      return;
    case "/tunnels": {
      const paging = takePaging(url.searchParams, "after", isTunnelCursor);
      const query = parseTunnelQuery(url.searchParams);
      if ("error" in paging || "error" in query) {
        sendJson(response, 400, "error" in paging ? paging : query);
        return;
      }
      if (paging.paged) {
        const page = await filteredTunnelPage(context.registry, query, paging.cursor, paging.limit);
        sendJson(response, 200, { tunnels: page.tunnels.map((t) => tunnelJson(t, t.reportingNode)), ...nextField(page.next) });
        return;
      }
      const tunnels = await context.registry.tunnels(query);
      sendJson(response, 200, { count: tunnels.length, tunnels: tunnels.map((t) => tunnelJson(t, t.reportingNode)) });
      return;
    }
    case "/nodes": {
      const paging = takePaging(url.searchParams, "cursor", isNodeCursor);
      if ("error" in paging) {
        sendJson(response, 400, paging);
        return;
      }
      if (!noParameters(url, response)) return;
      if (paging.paged) {
        let page;
        try {
          page = await context.registry.nodePage(paging.cursor, paging.limit);
        } catch (error) {
          // A cursor of the other store's shape (a memory store's key for Redis's SSCAN, or the reverse) is refused by the store.
          if (paging.cursor === undefined || !(error instanceof RangeError || /invalid cursor/i.test(String((error as Error)?.message)))) throw error;
          sendJson(response, 400, { error: `parameter "cursor" is not a cursor from a previous page of this server's store` });
          return;
        }
        sendJson(response, 200, { nodes: page.nodes.map(nodeJson), ...nextField(page.next) });
        return;
      }
      const nodes = await context.registry.nodes();
      sendJson(response, 200, { count: nodes.length, nodes: nodes.map(nodeJson) });
      return;
    }
    case "/metrics": {
      const text = await context.metrics.registry.metrics();
      response.writeHead(200, { "content-type": context.metrics.registry.contentType });
      response.end(text);
      return;
    }
    case "/events":
      context.events.serve(request, response);
      return;
    case "/":
    case "/index.html":
      response.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        // The page is self-contained: nothing but its own inline code and same-origin fetches.
        "content-security-policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
      });
      response.end(statusPageHtml);
      return;
    default:
      sendJson(response, 404, { error: `no view at ${url.pathname}; the views are /, /healthz, /tunnels, /nodes, /metrics, /events` });
  }
}

/** The paging parameters of a request: `paged` when `limit` or the cursor parameter is given. */
type Paging = { readonly paged: false } | { readonly paged: true; readonly limit: number; readonly cursor: string | undefined } | { readonly error: string };

/**
 * Takes `limit` and the cursor parameter (`after` or `cursor`) out of
 * `parameters`, checked: each at most once, `limit` in 1..MAX_PAGE_SIZE, the
 * cursor one the server handed out (`accept` checks the decoded shape).
 */
function takePaging(parameters: URLSearchParams, cursorName: string, accept: (cursor: string) => boolean): Paging {
  for (const name of ["limit", cursorName]) {
    if (parameters.getAll(name).length > 1) return { error: `parameter "${name}" is given twice` };
  }
  const limitText = parameters.get("limit") ?? undefined;
  const cursorText = parameters.get(cursorName) ?? undefined;
  parameters.delete("limit");
  parameters.delete(cursorName);
  if (limitText === undefined && cursorText === undefined) return { paged: false };
  const limit = parseLimit(limitText);
  if (typeof limit !== "number") return limit;
  if (cursorText === undefined) return { paged: true, limit, cursor: undefined };
  const cursor = decodeCursor(cursorName, cursorText, accept);
  return typeof cursor === "string" ? { paged: true, limit, cursor } : cursor;
}

/** `{ next }` with the client's form of a store cursor, or nothing after the last page. */
function nextField(next: string | undefined): { next?: string } {
  return next === undefined ? {} : { next: encodeCursor(next) };
}

/** Reads `?initiator=&tenant=&cluster=&node=`; anything else, or a filter given twice, is an error. */
export function parseTunnelQuery(parameters: URLSearchParams): TunnelQuery | { readonly error: string } {
  const query: Record<string, string> = {};
  for (const [name, value] of parameters) {
    if (!Object.hasOwn(tunnelFilters, name)) {
      return { error: `unknown filter "${name}"; the filters are ${Object.keys(tunnelFilters).join(", ")} (and limit, after to page)` };
    }
    if (Object.hasOwn(query, name)) return { error: `filter "${name}" is given twice` };
    query[tunnelFilters[name as keyof typeof tunnelFilters]] = value;
  }
  return query;
}

function noParameters(url: URL, response: ServerResponse): boolean {
  const first = url.searchParams.keys().next();
  if (first.done === true) return true;
  sendJson(response, 400, { error: `${url.pathname} takes only limit and cursor, got "${first.value}"` });
  return false;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end(text + "\n");
}
