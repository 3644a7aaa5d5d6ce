import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, suite, test } from "node:test";
import { main } from "../main.js";
import { memoryIO } from "../memory-io.testdata.js";

const repo = join(import.meta.dirname, "..", "..", "..");
const envoyTrace = join(repo, "examples", "valid", "tap2pcap-h2-ipv4.pb_text");
const dir = mkdtempSync(join(tmpdir(), "tap-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]) {
  const io = memoryIO();
  const code = await main(argv, io);
  return { code, stdout: io.stdout.text(), stderr: io.stderr.text() };
}

suite("envoy-tap-tunnel tap", () => {
  test("summary prints one row per connection with plain integer byte counts", async () => {
    const result = await run(["tap", "summary", envoyTrace]);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, "");
    const lines = result.stdout.trimEnd().split("\n");
    assert.match(lines[0]!, /^connection\s+remote\s+local\s+first\s+last\s+duration_ns\s+events\s+bytes_read\s+bytes_written\s+half_closes\s+truncated\s+findings$/);
    assert.deepEqual(lines[1]!.split(/\s+/), ["v2alpha:0", "127.0.0.1:53288", "127.0.0.1:10000", "2018-05-01T20:41:33.216737962Z", "2018-05-01T20:41:33.347782371Z", "131044409", "6", "112", "16186", "0", "no", "0"]);
  });

  test("summary --json", async () => {
    const result = await run(["tap", "summary", "--json", envoyTrace]);
    const parsed = JSON.parse(result.stdout);
    assert.deepEqual(parsed.findings, []);
    const row = parsed.connections[0];
    assert.deepEqual(
      [row.id, row.local, row.remote, row.first, row.last, row.durationNanos, row.events, row.bytesRead, row.bytesWritten, row.halfCloses, row.truncated, row.sources],
      ["v2alpha:0", "127.0.0.1:10000", "127.0.0.1:53288", "2018-05-01T20:41:33.216737962Z", "2018-05-01T20:41:33.347782371Z", "131044409", 6, 112, 16186, 0, false, [envoyTrace]],
    );
  });

  test("follow prints each event with its direction, as text or hex", async () => {
    const text = await run(["tap", "follow", "--connection", "0", envoyTrace]);
    assert.equal(text.code, 0);
    assert.ok(text.stdout.startsWith("=== v2alpha:0\n>>> read 103 bytes (peer -> Envoy)\nPRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    assert.ok(text.stdout.includes("<<< write 37 bytes (Envoy -> peer)\n"));
    const hex = await run(["tap", "follow", "--hex", envoyTrace]);
    assert.ok(hex.stdout.includes("00000000  50 52 49 20 2a 20 48 54 54 50 2f 32 2e 30 0d 0a  PRI * HTTP/2.0..\n"));
  });

  test("pcap writes a classic pcap file with the link type Ethernet", async () => {
    const out = join(dir, "x.pcap");
    const result = await run(["tap", "pcap", envoyTrace, "-o", out]);
    assert.equal(result.code, 0);
    const bytes = readFileSync(out);
    assert.deepEqual([bytes.readUInt32LE(0), bytes.readUInt16LE(4), bytes.readUInt16LE(6), bytes.readUInt32LE(20)], [0xa1b2c3d4, 2, 4, 1]);
  });

  test("warns about placeholder addresses for pipes", async () => {
    const result = await run(["tap", "pcap", join(repo, "examples", "valid", "traces.ndjson"), "-o", join(dir, "pipes.pcapng"), "--pcapng"]);
    assert.equal(result.code, 0);
    assert.deepEqual(result.stderr.trimEnd().split("\n"), [
      "warning: v2alpha:2: the local address (pipe:/var/run/envoy.sock) is shown as 198.18.0.1 port 10000 [trace.placeholder_address]",
      "warning: v2alpha:2: the remote address (pipe:/var/run/envoy.sock) is shown as 198.19.0.1 port 40001 [trace.placeholder_address]",
    ]);
  });

  test("exit 1 with the fault's position for an input that cannot be decoded", async () => {
    const bad = join(dir, "bad_1.pb");
    writeFileSync(bad, new Uint8Array([0x0a, 0x05, 0x08]));
    const result = await run(["tap", "summary", bad]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad_1\.pb @0: error: field 1 runs past the end of the data \(1 of 5 bytes\) at byte 0 \[wire\.truncated\]\n/);
  });

  test("exit 2 for usage and I/O errors", async () => {
    assert.deepEqual(await run(["tap"]), { code: 2, stdout: "", stderr: "envoy-tap-tunnel: tap needs a subcommand: pcap, summary or follow; see envoy-tap-tunnel tap --help\n" });
    assert.equal((await run(["tap", "pcap", envoyTrace])).stderr, "envoy-tap-tunnel: tap pcap needs -o OUT, the capture file to write\n");
    assert.equal((await run(["tap", "pcap", envoyTrace, "-o", "x", "--mss", "0"])).stderr, 'envoy-tap-tunnel: --mss must be an integer from 1 to 65495, not "0"\n');
    assert.equal((await run(["tap", "summary", "--hex", envoyTrace])).code, 2);
    assert.equal((await run(["tap", "summary", "--connection-layout", "old", envoyTrace])).code, 2);
    const missing = await run(["tap", "summary", join(dir, "nope.pb")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.pb: no such file or directory/);
    assert.equal((await run(["tap", "follow", "--connection", "99", envoyTrace])).stderr, 'envoy-tap-tunnel: no connection "99" in the traces; they hold v2alpha:0\n');
  });

  test("--help prints the tap help", async () => {
    const result = await run(["tap", "--help"]);
    assert.equal(result.code, 0);
    assert.ok(result.stdout.startsWith("Usage: envoy-tap-tunnel tap pcap IN... -o OUT"));
  });
});
