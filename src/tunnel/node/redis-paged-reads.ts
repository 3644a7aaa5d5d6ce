import type { NodePage, NodeSummary, TunnelPage, TunnelRecord, TunnelView } from "../index.js";
import { tunnelJsonOfValue } from "./redis-index-member.js";
import type { NodeMeta } from "./redis-node-codec.js";

/**
 * What the reads need of a Redis connection (the store's node-redis client).
 * Structural, so this module's declarations do not pull in @redis/client's
 * types, which need @types/node, into a library user's type-check.
 */
export interface RedisCommands {
  sendCommand<T>(args: string[]): Promise<T>;
}

/** The fields of a node's hash besides its tunnels (see redis-scripts.ts): v, e, o, c, r, m. */
const NODE_FIELDS = 6;

/**
 * Up to `limit` tunnels after the cursor `after` (`undefined`: from the
 * first), in the routing index's order (initiator node id, reporting node,
 * name): one ZRANGEBYLEX from the cursor (O(log n + limit)) and one HMGET per
 * reporting node of the page, in one pipeline. The cursor is the last
 * tunnel's index member, so a page starts exactly after it whatever changed
 * meanwhile: a tunnel present from the first page to the last is listed once;
 * one added or removed meanwhile may or may not be. A tunnel removed between
 * the two reads of a page is left out.
 */
export async function readTunnelPage(client: RedisCommands, prefix: string, after: string | undefined, limit: number): Promise<TunnelPage> {
  const min = after === undefined ? "-" : `(${after}`;
  const members = await client.sendCommand<string[]>(["ZRANGEBYLEX", `${prefix}idx`, min, "+", "LIMIT", "0", String(limit)]);
  const listed = members.map((member) => JSON.parse(member) as [initiator: string, nodeKey: string, name: string]);
  const namesByNode = new Map<string, string[]>();
  for (const [, nodeKey, name] of listed) {
    let names = namesByNode.get(nodeKey);
    if (names === undefined) namesByNode.set(nodeKey, (names = []));
    names.push(name);
  }
  const nodes = [...namesByNode];
  // Issued in one tick, the reads go out as one pipeline.
  const replies = await Promise.all(nodes.map(([nodeKey, names]) => client.sendCommand<(string | null)[]>(["HMGET", `${prefix}n:${nodeKey}`, "m", ...names.map((name) => `t:${name}`)])));
  const found = new Map<string, Map<string, TunnelView>>();
  replies.forEach(([meta, ...values], i) => {
    if (typeof meta !== "string") return; // the node went between the two reads
    const reportingNode = (JSON.parse(meta) as NodeMeta).node;
    const [nodeKey, names] = nodes[i]!;
    const views = new Map<string, TunnelView>();
    values.forEach((value, j) => {
      if (typeof value === "string") views.set(names[j]!, { ...(JSON.parse(tunnelJsonOfValue(value)) as TunnelRecord), reportingNode });
    });
    found.set(nodeKey, views);
  });
  // In the index's order, not grouped by node.
  const tunnels: TunnelView[] = [];
  for (const [, nodeKey, name] of listed) {
    const view = found.get(nodeKey)?.get(name);
    if (view !== undefined) tunnels.push(view);
  }
  return { tunnels, next: members.length === limit ? members[members.length - 1] : undefined };
}

/**
 * About `count` reporting nodes from the SSCAN cursor `cursor` (`"0"`: from
 * the first), without their tunnels: one SSCAN of the node set and, per node,
 * HMGET of its fields and HLEN (its tunnel count), in one pipeline, so a page
 * costs O(count) whatever the nodes hold. SSCAN's guarantees hold: a node
 * present from the first page to the last is listed (rarely twice, while
 * Redis resizes the set); `count` is a hint Redis may exceed a little (a small
 * set comes whole).
 */
export async function readNodePage(client: RedisCommands, prefix: string, cursor: string, count: number): Promise<NodePage> {
  const [next, keys] = await client.sendCommand<[string, string[]]>(["SSCAN", `${prefix}nodes`, cursor, "COUNT", String(count)]);
  const replies = await Promise.all(
    keys.map((key) =>
      Promise.all([client.sendCommand<(string | null)[]>(["HMGET", `${prefix}n:${key}`, "e", "o", "c", "m"]), client.sendCommand<number>(["HLEN", `${prefix}n:${key}`])]),
    ),
  );
  const nodes: NodeSummary[] = [];
  for (const [[epoch, owner, connectedAt, metaText], fields] of replies) {
    if (typeof metaText !== "string") continue; // deleted between the two reads
    const meta = JSON.parse(metaText) as NodeMeta;
    nodes.push({
      node: meta.node,
      state: meta.state,
      owner: owner ?? "",
      epoch: Number(epoch),
      connectedAt: Number(connectedAt),
      lastReportAt: meta.lastReportAt,
      ...(meta.graceUntil === undefined ? {} : { graceUntil: meta.graceUntil }),
      tunnelCount: fields - NODE_FIELDS,
    });
  }
  return { nodes, next: next === "0" ? undefined : next };
}
