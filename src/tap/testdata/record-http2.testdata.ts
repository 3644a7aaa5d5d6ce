/**
 * Records a real HTTP/2 exchange over loopback the way Envoy's tap
 * transport socket sees it: Node's http2 client talks to Node's http2
 * server through a small TCP relay (standing in for Envoy), which records
 * every chunk it reads from the client and writes to it, with timestamps.
 */
import { once } from "node:events";
import http2 from "node:http2";
import net from "node:net";

/** One recorded socket operation of the relay's client-facing socket. */
export interface RecordedEvent {
  /** Nanoseconds since the Unix epoch. */
  readonly time: bigint;
  readonly type: "read" | "write" | "closed";
  readonly data: Uint8Array;
  readonly endStream: boolean;
}

/** What {@link recordHttp2Exchange} recorded. */
export interface Recording {
  /** The relay's side of the client connection (Envoy's local address). */
  readonly local: { readonly address: string; readonly port: number };
  /** The client's side (the peer). */
  readonly remote: { readonly address: string; readonly port: number };
  readonly events: readonly RecordedEvent[];
  /** What the client received. */
  readonly status: number;
  readonly body: Uint8Array;
}

const clockBase = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
const now = () => clockBase + process.hrtime.bigint();

/**
 * Runs `GET path` over HTTP/2 (prior knowledge, cleartext) through a
 * recording relay on `host` (127.0.0.1 or ::1); the server answers 200 with
 * `responseBytes` bytes of a repeating pattern.
 */
export async function recordHttp2Exchange(host: "127.0.0.1" | "::1", path: string, responseBytes: number): Promise<Recording> {
  const body = new Uint8Array(responseBytes);
  for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 8)) & 0xff;
  const server = http2.createServer();
  server.on("stream", (stream, headers) => {
    stream.respond({ ":status": headers[":path"] === path ? 200 : 404, "content-type": "application/octet-stream" });
    stream.end(body);
  });
  server.listen(0, host);
  await once(server, "listening");
  const serverPort = (server.address() as net.AddressInfo).port;

  const events: RecordedEvent[] = [];
  let local: { address: string; port: number } = { address: host, port: 0 };
  let remote: { address: string; port: number } = { address: host, port: 0 };
  const relay = net.createServer();
  const relayDone = new Promise<void>((resolve) => {
    relay.once("connection", (client: net.Socket) => {
      local = { address: client.localAddress!, port: client.localPort! };
      remote = { address: client.remoteAddress!, port: client.remotePort! };
      const upstream = net.connect(serverPort, host);
      client.on("data", (chunk: Buffer) => {
        events.push({ time: now(), type: "read", data: new Uint8Array(chunk), endStream: false });
        upstream.write(chunk);
      });
      upstream.on("data", (chunk: Buffer) => {
        events.push({ time: now(), type: "write", data: new Uint8Array(chunk), endStream: false });
        client.write(chunk);
      });
      client.on("end", () => upstream.end());
      upstream.on("end", () => {
        events.push({ time: now(), type: "write", data: new Uint8Array(0), endStream: true });
        client.end();
      });
      client.on("close", () => {
        events.push({ time: now(), type: "closed", data: new Uint8Array(0), endStream: false });
        upstream.destroy();
        resolve();
      });
    });
  });
  relay.listen(0, host);
  await once(relay, "listening");
  const relayPort = (relay.address() as net.AddressInfo).port;

  const session = http2.connect(`http://${host.includes(":") ? `[${host}]` : host}:${relayPort}`);
  const request = session.request({ ":path": path });
  const [headers] = (await once(request, "response")) as [http2.IncomingHttpHeaders];
  const parts: Buffer[] = [];
  request.on("data", (chunk: Buffer) => parts.push(chunk));
  await once(request, "end");
  session.close();
  await relayDone;
  relay.close();
  server.close();
  return { local, remote, events, status: Number(headers[":status"]), body: new Uint8Array(Buffer.concat(parts)) };
}
