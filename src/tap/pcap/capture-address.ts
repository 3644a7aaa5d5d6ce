import { formatEndpoint } from "../endpoint.js";
import type { Endpoint } from "../model.js";

/** An endpoint as a capture carries it: IP address bytes (4 or 16) and a port. */
export interface CaptureEndpoint {
  readonly ip: Uint8Array;
  readonly port: number;
  /** Why a placeholder stands for the trace's address; undefined for a real IP address. */
  readonly placeholder?: string;
}

/**
 * Placeholder addresses, from 198.18.0.0/15 (RFC 2544, set aside for
 * benchmarks, never routed): Envoy's side of a pipe, internal or unresolved
 * endpoint is 198.18.0.1 port 10000; the peer's is 198.19.H.L, where H.L is
 * the connection's number in the capture, port 40000 + the number modulo
 * 20000. A connection with no address at all gets the same placeholders.
 */
export function placeholderEndpoint(side: "local" | "remote", index: number, endpoint: Endpoint | undefined): CaptureEndpoint {
  const what = endpoint === undefined ? "no address in the trace" : formatEndpoint(endpoint);
  if (side === "local") return { ip: new Uint8Array([198, 18, 0, 1]), port: 10000, placeholder: what };
  return { ip: new Uint8Array([198, 19, (index >> 8) & 0xff, index & 0xff]), port: 40000 + (index % 20000), placeholder: what };
}

/** The capture form of `endpoint`: its IP literal, or a placeholder (see {@link placeholderEndpoint}). */
export function captureEndpoint(side: "local" | "remote", index: number, endpoint: Endpoint | undefined): CaptureEndpoint {
  if (endpoint?.kind === "socket") {
    const ip = parseIpv4(endpoint.address) ?? parseIpv6(endpoint.address);
    if (ip !== undefined) return { ip, port: endpoint.port };
  }
  return placeholderEndpoint(side, index, endpoint);
}

/** Puts two endpoints in one address family: an IPv4 address beside an IPv6 one becomes IPv4-mapped (::ffff:a.b.c.d). */
export function sameFamily(a: CaptureEndpoint, b: CaptureEndpoint): [CaptureEndpoint, CaptureEndpoint] {
  if (a.ip.length === b.ip.length) return [a, b];
  const mapped = (e: CaptureEndpoint): CaptureEndpoint => {
    if (e.ip.length === 16) return e;
    const ip = new Uint8Array(16);
    ip[10] = 0xff;
    ip[11] = 0xff;
    ip.set(e.ip, 12);
    return { ...e, ip };
  };
  return [mapped(a), mapped(b)];
}

/** Dotted-quad IPv4 (four decimal parts 0..255), else undefined. */
export function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return new Uint8Array(parts.map(Number));
}

/** An IPv6 literal (with `::`, an embedded IPv4 tail, a zone id that is dropped), else undefined. */
export function parseIpv6(text: string): Uint8Array | undefined {
  const address = text.replace(/%.*$/, "");
  if (!/^[0-9A-Fa-f:.]+$/.test(address) || !address.includes(":")) return undefined;
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const words = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(piece)) out.push(parseInt(piece, 16));
      else return undefined;
    }
    return out;
  };
  const head = words(halves[0]!);
  const tail = halves.length === 2 ? words(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  return bytes;
}
