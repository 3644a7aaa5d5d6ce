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
 * only the tunnels it changes. The keys a script touches are named by its
 * arguments (the prefix and node keys), not declared as KEYS: one script
 * writes many nodes, which a standalone Redis allows (Redis Cluster is not
 * supported, see the README).
 */

/**
 * Writes a batch of nodes, in order, each with its own condition, in one
 * atomic step (one round trip for the writes of a few milliseconds, so
 * Redis runs one script per batch, not one per report).
 *
 * ARGV: prefix P, replica id, the number of operations, then the operations
 * one after another (see `putOperation` and `deleteOperation` in
 * redis-write-queue.ts):
 *
 * - `put`, node key, mode, expected version ('' for none), expected owner,
 *   version, epoch, owner, connectedAt, state, graceUntil, meta JSON, the
 *   number R of removed tunnels, the number A of added ones, then the
 *   arguments of the bulk commands as they go to Redis (no string work in
 *   Lua): R hash fields (`t:<name>`), R index members, A (field, stored
 *   value) pairs, A (0, index member) pairs. Modes:
 *   - `owned`: the writing replica's stream still owns the node (whatever its
 *     version: another replica may have put it in grace meanwhile, which
 *     leaves its tunnels as they were); applies the listed changes, and
 *     stores a version above both the stored one and the record's;
 *   - `diff`: compare-and-set on version and owner; applies the listed changes;
 *   - `replace`: compare-and-set on version; replaces the tunnels;
 *   - `republish` (after an outage): replaces the node unless another
 *     replica's newer stream took it over, with the next version.
 * - `delete`, node key, `version` or `replica`, and the version the node must
 *   have or the replica that must have written it last: deletes the node and
 *   its index entries.
 *
 * Returns two integers per operation: a put's {version, epoch}, or {0, 0}
 * when it changed nothing; a delete's {1, 0} when it deleted, else {0, 0}.
 */
export const writeBatchScript = script(`
local CHUNK = 400
local P, replica = ARGV[1], ARGV[2]
local at = 4
local function bulkArgs(command, key, from, to)
  for i = from, to, CHUNK do redis.call(command, key, unpack(ARGV, i, math.min(i + CHUNK - 1, to))) end
end
local function unindexAll(hash)
  local all = redis.call('HGETALL', hash)
  local members = {}
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, 2) == 't:' then
      local value = all[i + 1]
      members[#members + 1] = string.sub(value, 1, string.find(value, '\\n', 1, true) - 1)
    end
  end
  for i = 1, #members, CHUNK do redis.call('ZREM', P .. 'idx', unpack(members, i, math.min(i + CHUNK - 1, #members))) end
end
local function put()
  local key, mode, expectedVersion, expectedOwner = ARGV[at + 1], ARGV[at + 2], ARGV[at + 3], ARGV[at + 4]
  local version, epoch, owner, connectedAt = ARGV[at + 5], ARGV[at + 6], ARGV[at + 7], ARGV[at + 8]
  local state, graceUntil, meta = ARGV[at + 9], ARGV[at + 10], ARGV[at + 11]
  local removed, added = tonumber(ARGV[at + 12]), tonumber(ARGV[at + 13])
  local from = at + 14
  at = from + 2 * removed + 4 * added
  local hash = P .. 'n:' .. key
  local cur = redis.call('HMGET', hash, 'v', 'o', 'r', 'c', 'e')
  if mode == 'owned' then
    if cur[2] ~= expectedOwner then return 0, 0 end
    version = tostring(math.max(tonumber(cur[1]) + 1, tonumber(version)))
  elseif mode == 'republish' then
    if cur[1] then
      if not (cur[2] == owner or cur[3] == replica or tonumber(cur[4]) < tonumber(connectedAt)) then return 0, 0 end
      version = tostring(tonumber(cur[1]) + 1)
      if cur[2] ~= owner and tonumber(cur[5]) >= tonumber(epoch) then epoch = tostring(tonumber(cur[5]) + 1) end
    end
  elseif expectedVersion == '' then
    if cur[1] then return 0, 0 end
  elseif cur[1] ~= expectedVersion or (mode == 'diff' and cur[2] ~= expectedOwner) then
    return 0, 0
  end
  if (mode == 'replace' or mode == 'republish') and cur[1] then
    unindexAll(hash)
    redis.call('DEL', hash)
  end
  bulkArgs('HDEL', hash, from, from + removed - 1)
  bulkArgs('ZREM', P .. 'idx', from + removed, from + 2 * removed - 1)
  from = from + 2 * removed
  bulkArgs('HSET', hash, from, from + 2 * added - 1)
  bulkArgs('ZADD', P .. 'idx', from + 2 * added, from + 4 * added - 1)
  redis.call('HSET', hash, 'v', version, 'e', epoch, 'o', owner, 'c', connectedAt, 'r', replica, 'm', meta)
  -- A node that was stored is in the node set already, and in its writer's set when that is this replica.
  if not cur[1] then redis.call('SADD', P .. 'nodes', key) end
  if state == 'grace' then redis.call('ZADD', P .. 'grace', graceUntil, key) else redis.call('ZREM', P .. 'grace', key) end
  if cur[3] ~= replica then
    if cur[3] then redis.call('SREM', P .. 'r:' .. cur[3], key) end
    redis.call('SADD', P .. 'r:' .. replica, key)
  end
  return tonumber(version), tonumber(epoch)
end
local function delete()
  local key, condition, value = ARGV[at + 1], ARGV[at + 2], ARGV[at + 3]
  at = at + 4
  local hash = P .. 'n:' .. key
  local cur = redis.call('HMGET', hash, 'v', 'r')
  if not cur[1] then return 0, 0 end
  if condition == 'version' and cur[1] ~= value then return 0, 0 end
  if condition == 'replica' and cur[2] ~= value then return 0, 0 end
  unindexAll(hash)
  redis.call('DEL', hash)
  redis.call('SREM', P .. 'nodes', key)
  redis.call('ZREM', P .. 'grace', key)
  redis.call('SREM', P .. 'r:' .. cur[2], key)
  return 1, 0
end
local results = {}
for _ = 1, tonumber(ARGV[3]) do
  local first, second
  if ARGV[at] == 'put' then first, second = put() else first, second = delete() end
  results[#results + 1] = first
  results[#results + 1] = second
end
return results
`);
