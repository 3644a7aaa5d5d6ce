import { createHash } from "node:crypto";

/** A Lua script run with EVALSHA (EVAL when the server lost its script cache, e.g. after a restart). */
export interface RedisScript {
  readonly source: string;
  readonly sha1: string;
}

function script(source: string): RedisScript {
  return { source, sha1: createHash("sha1").update(source).digest("hex") };
}

/*
 * Layout (every key starts with the store's prefix P):
 *   P n:<node key>     hash: v version, e epoch, o owner stream, c connectedAt, r replica that wrote it,
 *                      m JSON {node, state, lastReportAt, graceUntil}, and t:<name> per tunnel: its index
 *                      member, a line break, its JSON (see redis-index-member.ts)
 *   P nodes            set of node keys
 *   P grace            sorted set: node key -> grace deadline (ms), nodes in their grace period only
 *   P idx              sorted set (all scores 0, ordered by member): one member per tunnel,
 *                      JSON [initiator, node key, name]; the routing index, read by lexicographic range
 *   P r:<replica>      set of node keys last written by the replica (what to release when its lease expires)
 *   P lease:<replica>  the replica's lease (a key with a TTL)
 *   P replicas         set of replica ids that held a lease
 * A script is one atomic step: a reader never sees half of a write. A write
 * costs a handful of Redis commands whatever its size (the tunnels go in bulk:
 * HSET, ZADD, HDEL, ZREM of up to CHUNK arguments each), and a diff touches
 * only the tunnels it changes.
 */

const helpers = `
local CHUNK = 400
local function bulk(command, key, items)
  for i = 1, #items, CHUNK do redis.call(command, key, unpack(items, i, math.min(i + CHUNK - 1, #items))) end
end
local function bulkArgs(command, key, from, to)
  for i = from, to, CHUNK do redis.call(command, key, unpack(ARGV, i, math.min(i + CHUNK - 1, to))) end
end
local function memberOf(value)
  return string.sub(value, 1, string.find(value, '\\n', 1, true) - 1)
end
local function unindexAll()
  local all = redis.call('HGETALL', KEYS[1])
  local members = {}
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, 2) == 't:' then members[#members + 1] = memberOf(all[i + 1]) end
  end
  bulk('ZREM', ARGV[1] .. 'idx', members)
end
`;

/**
 * Writes a node. KEYS: node hash, nodes set, grace zset. ARGV: prefix, node key,
 * mode, expected version ('' for none), expected owner (diff), version, epoch,
 * owner, connectedAt, replica, state, graceUntil, meta JSON, the number R of
 * removed tunnels, the number A of added ones, then the arguments of the bulk
 * commands as they go to Redis (no string work in Lua): R hash fields
 * (`t:<name>`), R index members, A (field, stored value) pairs, A (0, index
 * member) pairs. Modes: `diff` (compare-and-set; applies the listed changes to the
 * stored tunnels), `replace` (compare-and-set; replaces them), `republish`
 * (after an outage: replaces the node unless another replica's newer stream
 * took it over, with the next version). Returns {version, epoch}, or {0, 0}
 * when it changed nothing.
 */
export const putNodeScript = script(`${helpers}
local mode = ARGV[3]
local cur = redis.call('HMGET', KEYS[1], 'v', 'o', 'r', 'c', 'e')
local version, epoch = ARGV[6], ARGV[7]
if mode == 'republish' then
  if cur[1] then
    if not (cur[2] == ARGV[8] or cur[3] == ARGV[10] or tonumber(cur[4]) < tonumber(ARGV[9])) then return {0, 0} end
    version = tostring(tonumber(cur[1]) + 1)
    if cur[2] ~= ARGV[8] and tonumber(cur[5]) >= tonumber(epoch) then epoch = tostring(tonumber(cur[5]) + 1) end
  end
elseif ARGV[4] == '' then
  if cur[1] then return {0, 0} end
elseif cur[1] ~= ARGV[4] or (mode == 'diff' and cur[2] ~= ARGV[5]) then
  return {0, 0}
end
if mode ~= 'diff' and cur[1] then
  unindexAll()
  redis.call('DEL', KEYS[1])
end
local removed, added = tonumber(ARGV[14]), tonumber(ARGV[15])
local at = 16
bulkArgs('HDEL', KEYS[1], at, at + removed - 1)
bulkArgs('ZREM', ARGV[1] .. 'idx', at + removed, at + 2 * removed - 1)
at = at + 2 * removed
bulkArgs('HSET', KEYS[1], at, at + 2 * added - 1)
bulkArgs('ZADD', ARGV[1] .. 'idx', at + 2 * added, at + 4 * added - 1)
redis.call('HSET', KEYS[1], 'v', version, 'e', epoch, 'o', ARGV[8], 'c', ARGV[9], 'r', ARGV[10], 'm', ARGV[13])
redis.call('SADD', KEYS[2], ARGV[2])
if ARGV[11] == 'grace' then redis.call('ZADD', KEYS[3], ARGV[12], ARGV[2]) else redis.call('ZREM', KEYS[3], ARGV[2]) end
if cur[3] and cur[3] ~= ARGV[10] then redis.call('SREM', ARGV[1] .. 'r:' .. cur[3], ARGV[2]) end
redis.call('SADD', ARGV[1] .. 'r:' .. ARGV[10], ARGV[2])
return {tonumber(version), tonumber(epoch)}
`);

/**
 * Deletes a node and its index entries. KEYS: node hash, nodes set, grace
 * zset. ARGV: prefix, node key, `version` or `replica`, and the version it
 * must have or the replica that must have written it last. Returns 1 when it
 * deleted, 0 when the condition failed.
 */
export const deleteNodeScript = script(`${helpers}
local cur = redis.call('HMGET', KEYS[1], 'v', 'r')
if not cur[1] then return 0 end
if ARGV[3] == 'version' and cur[1] ~= ARGV[4] then return 0 end
if ARGV[3] == 'replica' and cur[2] ~= ARGV[4] then return 0 end
unindexAll()
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('SREM', ARGV[1] .. 'r:' .. cur[2], ARGV[2])
return 1
`);
