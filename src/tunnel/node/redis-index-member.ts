import type { TunnelRecord } from "../index.js";

/*
 * The routing index is one Redis sorted set whose members all score 0, so
 * Redis orders them by their bytes: one member per tunnel,
 * `JSON.stringify([initiator node id, reporting node key, tunnel name])`.
 * The members of one initiator are exactly those starting with
 * `["<initiator>","` (JSON escapes quotes and control characters, so that
 * prefix names one initiator and no other), all of them below `["<initiator>",#`
 * (`#` follows `"`): ZRANGEBYLEX reads them in O(log n + answers), no scan.
 */

/** The index member of `tunnel` held by the node under `nodeKey`. */
export function indexMember(nodeKey: string, tunnel: TunnelRecord): string {
  return JSON.stringify([tunnel.identity.nodeId, nodeKey, tunnel.name]);
}

/** The ZRANGEBYLEX bounds `[min, max]` of the members of one initiator. */
export function indexRange(initiatorNodeId: string): [string, string] {
  const prefix = `[${JSON.stringify(initiatorNodeId)},`;
  return [`[${prefix}"`, `(${prefix}#`];
}

/** The reporting node key of an index member, or `undefined` for a malformed one. */
export function nodeKeyOfMember(member: string): string | undefined {
  try {
    const parsed = JSON.parse(member) as unknown;
    return Array.isArray(parsed) && typeof parsed[1] === "string" ? parsed[1] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A tunnel's value in its node's hash: its index member, a line break, its
 * JSON. Deleting or replacing a node then finds every index member without
 * decoding JSON in Lua. Neither part holds a raw line break.
 */
export function tunnelValue(member: string, tunnelJson: string): string {
  return `${member}\n${tunnelJson}`;
}

/** The tunnel JSON of a stored value (see {@link tunnelValue}). */
export function tunnelJsonOfValue(value: string): string {
  return value.slice(value.indexOf("\n") + 1);
}
