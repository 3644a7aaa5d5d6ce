import { createContextKey } from "@connectrpc/connect";

/**
 * What the transport knows about the peer of a stream. Envoy sends no token on
 * the reporting stream, so a server identifies a reporter by its TLS client
 * certificate; the Node server fills this from the socket.
 */
export interface PeerIdentity {
  /** The peer's address (`host:port`), when known. */
  readonly address?: string;
  /** Whether the client certificate verified against the configured CA. */
  readonly authorized?: boolean;
  /** The certificate subject's common name. */
  readonly commonName?: string;
  /** The certificate subject as one string (`CN=envoy-1,O=example`). */
  readonly subject?: string;
  /** Subject alternative names as Node prints them (`DNS:envoy-1`, `URI:spiffe://...`). */
  readonly subjectAltNames?: readonly string[];
  /** SHA-256 fingerprint of the certificate. */
  readonly fingerprint256?: string;
}

/**
 * The Connect context value that carries the {@link PeerIdentity} from the
 * server to the reporting service (set it with `connectNodeAdapter`'s
 * `contextValues`). By default, `undefined`: no identity known.
 */
export const peerIdentityKey = createContextKey<PeerIdentity | undefined>(undefined, { description: "envoy-tap-tunnel peer identity" });
