import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, suite, test } from "node:test";
import { ensureBuilt, runCli } from "./built-cli.testdata.js";

const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-bom-"));
// TunnelInitiatorIdentity { tenant_id: "\uFEFF" cluster_id: "b" node_id: "c" }: the tenant
// is one character, a byte order mark, which protobuf-es alone would strip to "" (min_len 1).
const identity = Uint8Array.of(0x0a, 3, 0xef, 0xbb, 0xbf, 0x12, 1, 0x62, 0x1a, 1, 0x63);

suite("the command line keeps a leading byte order mark in strings", () => {
  before(ensureBuilt);
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("validate counts it, convert keeps it, and binary round-trips byte for byte", async () => {
    const input = join(dir, "identity.TunnelInitiatorIdentity.pb");
    writeFileSync(input, identity);
    const validated = await runCli(["validate", input]);
    assert.equal(validated.code, 0, validated.stdout + validated.stderr);

    const json = await runCli(["convert", "--type", "TunnelInitiatorIdentity", "--from", "binary", "--to", "json", input]);
    assert.equal(json.code, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as { tenantId: string }).tenantId, "\uFEFF");

    const output = join(dir, "copy.pb");
    const copied = await runCli(["convert", "--type", "TunnelInitiatorIdentity", "--from", "binary", "--to", "binary", input, "-o", output]);
    assert.equal(copied.code, 0, copied.stderr);
    assert.deepEqual(new Uint8Array(readFileSync(output)), identity);
  });
});
