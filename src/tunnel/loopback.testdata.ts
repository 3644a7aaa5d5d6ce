import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { ConnectRouter, ContextValues, Transport } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";

/** A real HTTP/2 server on 127.0.0.1 (ephemeral port) serving Connect routes over gRPC, for tests. */
export interface LoopbackServer {
  readonly baseUrl: string;
  /** A new gRPC transport to the server (its own HTTP/2 session). */
  transport(): Transport;
  /** Closes the server and every session on it. */
  close(): Promise<void>;
  /** Destroys every open HTTP/2 session (its streams end abruptly); the server keeps listening. */
  dropSessions(): void;
}

/** Starts a loopback server with `routes`; `contextValues` lets a test play the part of the TLS layer. */
export async function startLoopbackServer(
  routes: (router: ConnectRouter) => void,
  contextValues?: (request: http2.Http2ServerRequest) => ContextValues,
): Promise<LoopbackServer> {
  const handler = connectNodeAdapter({ routes, ...(contextValues === undefined ? {} : { contextValues: contextValues as never }) });
  const server = http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    transport: () => createGrpcTransport({ baseUrl }),
    dropSessions: () => {
      for (const session of sessions) session.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Waits (in real time) until `condition` holds, polling; fails after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
