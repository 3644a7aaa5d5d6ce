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
 *                      m JSON {node, state, lastReportAt, graceUntil}, and t:<name> JSON of each tunnel
 *   P nodes            set of node keys
 *   P grace            sorted set: node key -> grace deadline (ms), nodes in their grace period only
 *   P i:<initiator>    hash: node key -> number of that node's tunnels from the initiator (the routing index)
 *   P r:<replica>      set of node keys last written by the replica (what to release when its lease expires)
 *   P lease:<replica>  the replica's lease (a key with a TTL)
 *   P replicas         set of replica ids that held a lease
 * A script is one atomic step: a reader never sees half of a write.
 */

const indexFunction = `
local function index(initiator, delta)
  local ik = ARGV[1] .. 'i:' .. initiator
  if redis.call('HINCRBY', ik, ARGV[2], delta) <= 0 then redis.call('HDEL', ik, ARGV[2]) end
end
local function unindexAll()
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, 2) == 't:' then index(cjson.decode(all[i + 1]).identity.nodeId, -1) end
  end
end
`;

/**
 * Writes a node. KEYS: node hash, nodes set, grace zset. ARGV: prefix, node key,
 * mode, expected version ('' for none), expected owner (diff), version, epoch,
 * owner, connectedAt, replica, state, graceUntil, meta JSON, removed count,
 * then (name, initiator) per removed tunnel, then (name, initiator, JSON) per
 * added one. Modes: `diff` (compare-and-set; applies the listed changes to the
 * stored tunnels), `replace` (compare-and-set; replaces them), `republish`
 * (after an outage: replaces the node unless another replica's newer stream
 * took it over, with the next version). Returns {version, epoch}, or {0, 0}
 * when it changed nothing.
 */
export const putNodeScript = script(`${indexFunction}
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
local at = 15
for i = 1, tonumber(ARGV[14]) do
  redis.call('HDEL', KEYS[1], 't:' .. ARGV[at])
  index(ARGV[at + 1], -1)
  at = at + 2
end
while at <= #ARGV do
  redis.call('HSET', KEYS[1], 't:' .. ARGV[at], ARGV[at + 2])
  index(ARGV[at + 1], 1)
  at = at + 3
end
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
export const deleteNodeScript = script(`${indexFunction}
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
