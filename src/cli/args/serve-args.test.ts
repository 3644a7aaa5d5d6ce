import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { parseServeArgs } from "./serve-args.js";

suite("parseServeArgs() --store, --lease and --max-unconfirmed-writes", () => {
  test("memory is the default; redis:// and rediss:// URLs are kept as given, with the lease", () => {
    const plain = parseServeArgs([]);
    assert.ok(plain.ok && !plain.help);
    assert.equal(plain.options.storeUrl, undefined);
    assert.equal(plain.options.leaseMs, undefined); // the store's default, 10 s
    const redis = parseServeArgs(["--store", "redis://10.0.0.5:6379/2", "--lease", "1.5s"]);
    assert.ok(redis.ok && !redis.help);
    assert.equal(redis.options.storeUrl, "redis://10.0.0.5:6379/2");
    assert.equal(redis.options.leaseMs, 1_500);
    const tls = parseServeArgs(["--store", "rediss://:secret@redis.internal:6380"]);
    assert.ok(tls.ok && !tls.help);
    assert.equal(tls.options.storeUrl, "rediss://:secret@redis.internal:6380");
    const memory = parseServeArgs(["--store", "memory"]);
    assert.ok(memory.ok && !memory.help);
    assert.equal(memory.options.storeUrl, undefined);
  });

  test("another scheme, or a lease under 100ms, is a usage error that says what is allowed", () => {
    assert.deepEqual(parseServeArgs(["--store", "http://x:6379"]), {
      ok: false,
      error: "--store must be memory, redis://HOST:PORT[/DB] or rediss://HOST:PORT[/DB], not http://x:6379",
    });
    assert.deepEqual(parseServeArgs(["--store", "redis://", "--lease", "1s"]), {
      ok: false,
      error: "--store must be memory, redis://HOST:PORT[/DB] or rediss://HOST:PORT[/DB], not redis://",
    });
    assert.deepEqual(parseServeArgs(["--store", "redis://h:1", "--lease", "50ms"]), { ok: false, error: "--lease must be at least 100ms, not 50ms" });
  });

  test("--max-unconfirmed-writes takes 0 and up with a Redis store; without one, it and --lease are usage errors", () => {
    const strict = parseServeArgs(["--store", "redis://h:1", "--max-unconfirmed-writes", "0"]);
    assert.ok(strict.ok && !strict.help);
    assert.equal(strict.options.maxUnconfirmedWrites, 0);
    const loose = parseServeArgs(["--store", "redis://h:1", "--max-unconfirmed-writes", "250"]);
    assert.ok(loose.ok && !loose.help);
    assert.equal(loose.options.maxUnconfirmedWrites, 250);
    const unset = parseServeArgs(["--store", "redis://h:1"]);
    assert.ok(unset.ok && !unset.help);
    assert.equal(unset.options.maxUnconfirmedWrites, undefined); // the store's default, 1 000
    assert.deepEqual(parseServeArgs(["--store", "redis://h:1", "--max-unconfirmed-writes", "1e3"]), { ok: false, error: '--max-unconfirmed-writes must be a whole number, not "1e3"' });
    assert.deepEqual(parseServeArgs(["--max-unconfirmed-writes", "5"]), { ok: false, error: "--max-unconfirmed-writes applies to a Redis store; give --store redis://HOST:PORT[/DB] too" });
    assert.deepEqual(parseServeArgs(["--store", "memory", "--lease", "1s"]), { ok: false, error: "--lease applies to a Redis store; give --store redis://HOST:PORT[/DB] too" });
  });
});
