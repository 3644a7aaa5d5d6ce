import type { Node } from "../../gen/envoy/config/core/v3/base_pb.js";

/**
 * A reporting Envoy, as the registry identifies it: `node.id` and
 * `node.cluster` (the only fields Envoy fills on this stream).
 */
export interface NodeKey {
  readonly id: string;
  readonly cluster: string;
}

/** The {@link NodeKey} of a request's `node`. */
export function nodeKeyOf(node: Pick<Node, "id" | "cluster">): NodeKey {
  return { id: node.id, cluster: node.cluster };
}

/**
 * One string per reporting node, used as the store's key: the cluster and the
 * id, each percent-encoded and joined by `/`, so no pair of different nodes
 * shares a key and the key is safe in Redis key names and URLs.
 */
export function formatNodeKey(key: NodeKey): string {
  return `${encodeURIComponent(key.cluster)}/${encodeURIComponent(key.id)}`;
}

/** The inverse of {@link formatNodeKey}; `undefined` for a string it did not produce. */
export function parseNodeKey(text: string): NodeKey | undefined {
  const slash = text.indexOf("/");
  if (slash < 0 || text.indexOf("/", slash + 1) >= 0) return undefined;
  try {
    return { cluster: decodeURIComponent(text.slice(0, slash)), id: decodeURIComponent(text.slice(slash + 1)) };
  } catch {
    return undefined;
  }
}
