import assert from "node:assert/strict";
import { after, before, suite, test } from "node:test";
import { createClient } from "@redis/client";
import type { TunnelRecord } from "../index.js";
import { indexMember, indexRange, nodeKeyOfMember, tunnelJsonOfValue, tunnelValue } from "./redis-index-member.js";
import { redisMissingReason, startRedisServer, type RedisServerProcess } from "./redis-server.testdata.js";

function tunnel(name: string, initiator: string): TunnelRecord {
  return { name, identity: { tenantId: "t", clusterId: "c", nodeId: initiator }, createdAt: "2026-01-29T10:00:00Z", firstReportedAt: 1, lastReportedAt: 1, streamId: "s" };
}

/** Initiator ids that share prefixes, quotes, escapes and non-ASCII: each must find its own nodes only. */
const initiators = ["a", "a ", "ab", 'a"', 'a",', "a\\", "a\n", "a\u0000", "ä", "a\u{10FFFF}", "", '"', "#", "[", "a#"];

suite("the routing index in a real redis-server (one sorted set, read by lexicographic range)", { skip: redisMissingReason() }, () => {
  let redis: RedisServerProcess;
  before(async () => {
    redis = await startRedisServer();
  });
  after(async () => {
    await redis?.kill();
  });

  test("every initiator's range holds exactly its own members, whatever characters the ids hold", async () => {
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const members: string[] = [];
      initiators.forEach((initiator, i) => {
        // Two nodes per initiator, one of them twice (two tunnels from the same initiator).
        for (const node of [`core/n${i}`, `edge/"n${i}"`]) members.push(indexMember(node, tunnel(`x-${i}`, initiator)));
        members.push(indexMember(`core/n${i}`, tunnel(`y-${i}`, initiator)));
      });
      await client.sendCommand(["ZADD", "idx", ...members.flatMap((member) => ["0", member])]);
      for (const [i, initiator] of initiators.entries()) {
        const found = await client.sendCommand<string[]>(["ZRANGEBYLEX", "idx", ...indexRange(initiator)]);
        assert.deepEqual(
          [...new Set(found.map(nodeKeyOfMember))].sort(),
          [`core/n${i}`, `edge/"n${i}"`].sort(),
          `initiator ${JSON.stringify(initiator)}`,
        );
      }
      const none = await client.sendCommand<string[]>(["ZRANGEBYLEX", "idx", ...indexRange("not-there")]);
      assert.deepEqual(none, []);
    } finally {
      await client.close();
    }
  });
});

test("a stored tunnel value carries its index member and its JSON, split at the first line break", () => {
  const record = tunnel("line\nbreak", "init\nator");
  const member = indexMember("core/n\n1", record);
  assert.ok(!member.includes("\n"));
  const value = tunnelValue(member, JSON.stringify(record));
  assert.deepEqual(JSON.parse(tunnelJsonOfValue(value)), record);
  assert.equal(nodeKeyOfMember(member), "core/n\n1");
  assert.equal(nodeKeyOfMember("not json"), undefined);
});
