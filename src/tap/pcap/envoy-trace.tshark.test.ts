import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, suite, test } from "node:test";
import { main } from "../../cli/main.js";
import { memoryIO } from "../../cli/memory-io.testdata.js";
import { parsePacketRows, tshark, tsharkMissing } from "../testdata/tshark.testdata.js";

const repo = join(import.meta.dirname, "..", "..", "..");
const envoyTrace = join(repo, "examples", "valid", "tap2pcap-h2-ipv4.pb_text");
const skip = tsharkMissing();
const dir = mkdtempSync(join(tmpdir(), "tap-envoy-"));
after(() => rmSync(dir, { recursive: true, force: true }));

suite("tap pcap on Envoy's own trace (examples/valid/tap2pcap-h2-ipv4.pb_text)", { skip }, () => {
  for (const format of ["pcap", "pcapng"] as const) {
    test(`tshark prints the six frames Envoy's tap2pcap gave, after the synthesized handshake (${format})`, async () => {
      const out = join(dir, `envoy.${format}`);
      const io = memoryIO();
      // One segment per event, as text2pcap writes it: the largest MSS.
      const argv = ["tap", "pcap", envoyTrace, "-o", out, "--mss", "65495", ...(format === "pcapng" ? ["--pcapng"] : [])];
      assert.equal(await main(argv, io), 0, io.stderr.text());
      assert.equal(io.stderr.text(), "");
      const all = parsePacketRows(tshark(["-r", out, "-d", "tcp.port==10000,http2", "-P"]));
      // The synthesized handshake comes first: SYN, SYN-ACK, ACK.
      assert.deepEqual(all.slice(0, 3).map((r) => r.info.split(" Seq=")[0]), ["53288 → 10000 [SYN]", "10000 → 53288 [SYN, ACK]", "53288 → 10000 [ACK]"]);
      const data = parsePacketRows(tshark(["-r", out, "-d", "tcp.port==10000,http2", "-Y", "tcp.len > 0", "-P"]));
      const expected = parsePacketRows(readFileSync(join(import.meta.dirname, "..", "testdata", "envoy-tap2pcap-h2-ipv4.tshark.txt"), "utf8"));
      assert.equal(expected.length, 6);
      // Relative times: tshark counts from the first frame (the SYN here), so both are taken relative to the first
      // data frame, in microseconds rounded to the nearest (as Envoy's script rounded each timestamp).
      const relative = (rows: typeof data) => rows.map(({ nanos, ...r }) => ({ ...r, micros: Math.round((nanos - rows[0]!.nanos) / 1000) }));
      assert.deepEqual(relative(data), relative(expected));
    });
  }
});
