import type { Socket } from "node:net";
import { TLSSocket, type PeerCertificate } from "node:tls";
import type { PeerIdentity } from "../index.js";

/**
 * What the transport tells about the peer on `socket`: its address, and on a
 * TLS socket with a client certificate, the certificate's subject, subject
 * alternative names, fingerprint and whether it verified against the CA.
 * Envoy authenticates this stream only by its client certificate, so this is
 * all an authorization hook can go by.
 */
export function peerIdentityOf(socket: Socket | undefined): PeerIdentity {
  if (socket === undefined) return {};
  const address = socket.remoteAddress === undefined ? undefined : formatAddress(socket.remoteAddress, socket.remotePort);
  const base: PeerIdentity = address === undefined ? {} : { address };
  if (!(socket instanceof TLSSocket)) return base;
  const certificate = socket.getPeerCertificate(false) as PeerCertificate | Record<string, never> | null;
  if (certificate === null || !("subject" in certificate) || certificate.subject === undefined) return { ...base, authorized: false };
  const subject = formatSubject(certificate.subject as unknown as Readonly<Record<string, string | readonly string[]>>);
  const commonName = firstValue(certificate.subject.CN);
  return {
    ...base,
    authorized: socket.authorized,
    subject,
    ...(commonName === undefined ? {} : { commonName }),
    subjectAltNames: certificate.subjectaltname === undefined ? [] : splitAltNames(certificate.subjectaltname),
    fingerprint256: certificate.fingerprint256,
  };
}

function formatAddress(host: string, port: number | undefined): string {
  const shown = host.includes(":") ? `[${host}]` : host;
  return port === undefined ? shown : `${shown}:${port}`;
}

function firstValue(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === "string" ? value : value?.[0];
}

/** `CN=envoy-1,O=example`: the subject's attributes in the order Node gives them. */
function formatSubject(subject: Readonly<Record<string, string | readonly string[]>>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(subject)) {
    for (const one of typeof value === "string" ? [value] : value) parts.push(`${key}=${one}`);
  }
  return parts.join(",");
}

/** Node prints SANs as `DNS:a, URI:spiffe://x`; a quoted name may contain a comma. */
function splitAltNames(text: string): string[] {
  const names: string[] = [];
  let current = "";
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    if (char === "," && !quoted) {
      names.push(current.trim());
      current = "";
    } else {
      current += char;
    }
  }
  if (current.trim() !== "") names.push(current.trim());
  return names;
}
