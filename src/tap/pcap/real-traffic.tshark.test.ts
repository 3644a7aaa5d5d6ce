import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, suite, test } from "node:test";
import { main } from "../../cli/main.js";
import { memoryIO } from "../../cli/memory-io.testdata.js";
import { recordHttp2Exchange, type Recording } from "../testdata/record-http2.testdata.js";
import { writeV2alphaFragments, writeV3Segments } from "../testdata/recording-traces.testdata.js";
import { tshark, tsharkMissing } from "../testdata/tshark.testdata.js";

/**
 * The IPv6 response size in MiB. The acceptance size is 100 MiB
 * (TAP_TSHARK_LARGE_MIB=100): about 10 minutes on a shared 2-core
 * machine, most of it writing the JSON and text fragments (80 s) and in
 * tshark (30 to 50 s per capture, four captures); the export itself takes
 * 2 s (v3) to 28 s (JSON and text). The default keeps `npm test` quick.
 */
const largeMiB = Number(process.env["TAP_TSHARK_LARGE_MIB"] ?? "8");
const skip = tsharkMissing();
const dir = mkdtempSync(join(tmpdir(), "tap-real-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const PROBLEMS = '_ws.malformed || tcp.analysis.flags || _ws.expert.severity >= "Warning" || tcp.checksum.status == "Bad" || ip.checksum.status == "Bad"';
const CHECKSUMS = ["-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE"];

/** Frames tshark flags as malformed, with a bad checksum, lost, retransmitted, out of order, or any warning. */
function problems(file: string, port: number): string {
  return tshark(["-r", file, ...CHECKSUMS, "-d", `tcp.port==${port},http2`, "-Y", PROBLEMS, "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message"]).trim();
}

/** Each direction's bytes as `tshark -z follow,tcp,raw,0` prints them: node 0 (the client) unindented, node 1 indented. */
function followRaw(file: string): { client: Buffer; server: Buffer } {
  const text = tshark(["-r", file, "-q", "-z", "follow,tcp,raw,0"]);
  const client: string[] = [];
  const server: string[] = [];
  for (const line of text.split("\n")) {
    if (/^\t[0-9a-f]+$/.test(line)) server.push(line.slice(1));
    else if (/^[0-9a-f]+$/.test(line)) client.push(line);
  }
  return { client: Buffer.from(client.join(""), "hex"), server: Buffer.from(server.join(""), "hex") };
}

function recorded(recording: Recording, type: "read" | "write"): Buffer {
  return Buffer.concat(recording.events.filter((e) => e.type === type).map((e) => e.data));
}

async function exportCapture(inputs: string[], out: string, pcapng: boolean): Promise<void> {
  const io = memoryIO();
  const code = await main(["tap", "pcap", ...inputs, "-o", out, ...(pcapng ? ["--pcapng"] : [])], io);
  assert.equal(code, 0, io.stderr.text());
  assert.equal(io.stderr.text(), "", "no findings on a clean recording");
}

function assertDecodes(file: string, recording: Recording, path: string): void {
  const port = recording.local.port;
  assert.equal(problems(file, port), "");
  // One pass for HEADERS and DATA frames: type, path, status and length per frame (a packet may carry several).
  const frames = tshark(["-r", file, "-d", `tcp.port==${port},http2`, "-Y", "http2", "-T", "fields", "-E", "occurrence=a", "-e", "http2.type", "-e", "http2.headers.path", "-e", "http2.headers.status", "-e", "http2.length"]);
  let dataBytes = 0;
  let sawPath = false;
  let sawStatus = false;
  for (const line of frames.split("\n")) {
    const [types = "", paths = "", statuses = "", lengths = ""] = line.split("\t");
    const typeList = types.split(",");
    const lengthList = lengths.split(",");
    typeList.forEach((type, i) => (dataBytes += type === "0" ? Number(lengthList[i]) : 0));
    sawPath ||= paths.split(",").includes(path);
    sawStatus ||= statuses.split(",").includes("200");
  }
  assert.ok(sawPath, `request HEADERS with :path ${path}`);
  assert.ok(sawStatus, "response HEADERS with :status 200");
  assert.equal(dataBytes, recording.body.length, "DATA frames carry the whole response body");
  const streams = followRaw(file);
  assert.ok(streams.client.equals(recorded(recording, "read")), "client → Envoy bytes are exactly the recorded reads");
  assert.ok(streams.server.equals(recorded(recording, "write")), "Envoy → client bytes are exactly the recorded writes");
}

suite("tap pcap on a real HTTP/2 exchange, read back by tshark", { skip }, () => {
  for (const [host, size, label] of [["127.0.0.1", 64 * 1024, "64 KiB"], ["::1", largeMiB * 1024 * 1024, `${largeMiB} MiB`]] as const) {
    test(`${host}: v2alpha fragments (binary, JSON, text) and v3 streamed segments, ${label} response, pcap and pcapng`, async () => {
      const recording = await recordHttp2Exchange(host, "/tap/test", size);
      assert.equal(recording.status, 200);
      assert.equal(recording.body.length, size);
      const sub = mkdtempSync(join(dir, "run-"));
      const v2 = writeV2alphaFragments(sub, recording);
      const v3 = writeV3Segments(sub, recording);
      for (const [inputs, name] of [[v2, "v2alpha"], [[v3], "v3"]] as const) {
        for (const pcapng of [false, true]) {
          const out = join(sub, `${name}.${pcapng ? "pcapng" : "pcap"}`);
          await exportCapture([...inputs], out, pcapng);
          assertDecodes(out, recording, "/tap/test");
        }
      }
    });
  }

  test("the checks see a broken capture: one flipped payload byte is a bad TCP checksum", async () => {
    const recording = await recordHttp2Exchange("127.0.0.1", "/x", 1000);
    const sub = mkdtempSync(join(dir, "broken-"));
    const out = join(sub, "broken.pcap");
    await exportCapture([writeV3Segments(sub, recording)], out, false);
    const bytes = readFileSync(out);
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(out, bytes);
    assert.notEqual(problems(out, recording.local.port), "");
  });
});
