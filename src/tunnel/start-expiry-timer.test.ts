import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { FakeTime } from "./fake-time.testdata.js";
import { fullPush, tunnel } from "./registry.testdata.js";
import { startExpiryTimer } from "./start-expiry-timer.js";
import { TunnelRegistry } from "./tunnel-registry.js";

suite("startExpiryTimer()", () => {
  test("drops a node when its grace period ends, without anyone calling expireDue", async () => {
    const time = new FakeTime();
    const registry = new TunnelRegistry({ clock: time, graceMs: 10_000 });
    const stop = startExpiryTimer(registry, { timers: time });
    assert.equal(time.pending, 0, "nothing to expire, no timer");
    await registry.apply("s1", fullPush(1n, [tunnel("a")]));
    await time.advance(3000);
    await registry.apply("s2", fullPush(1n, [tunnel("b")], { id: "other", cluster: "core" }));
    await registry.close("s1");
    assert.deepEqual(time.pendingDelays(), [10_000]);
    await time.advance(2000);
    await registry.close("s2");
    assert.deepEqual(time.pendingDelays(), [8000], "one timer, at the earliest deadline");
    await time.advance(8000);
    assert.deepEqual((await registry.nodes()).map((n) => n.node.id), ["other"]);
    assert.deepEqual(time.pendingDelays(), [2000], "re-armed for the next deadline");
    await time.advance(2000);
    assert.deepEqual(await registry.nodes(), []);
    assert.equal(time.pending, 0);
    stop();
  });

  test("disarms when the node reconnects, and stops for good when stopped", async () => {
    const time = new FakeTime();
    const registry = new TunnelRegistry({ clock: time, graceMs: 1000 });
    const stop = startExpiryTimer(registry, { timers: time });
    await registry.apply("s1", fullPush(1n, [tunnel("a")]));
    await registry.close("s1");
    assert.equal(time.pending, 1);
    await registry.apply("s2", fullPush(1n, [tunnel("a")]));
    assert.equal(time.pending, 0);
    stop();
    await registry.close("s2");
    assert.equal(time.pending, 0, "a stopped timer does not re-arm");
    await time.advance(5000);
    assert.equal((await registry.nodes()).length, 1);
  });
});
