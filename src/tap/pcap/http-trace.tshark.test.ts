import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, suite, test } from "node:test";
import { main } from "../../cli/main.js";
import { memoryIO } from "../../cli/memory-io.testdata.js";
import { tshark, tsharkMissing } from "../testdata/tshark.testdata.js";

const skip = tsharkMissing();
const dir = mkdtempSync(join(tmpdir(), "tap-http-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const buffered = {
  http_buffered_trace: {
    request: { headers: [{ key: ":method", value: "POST" }, { key: ":path", value: "/api/items" }, { key: ":authority", value: "example.test" }, { key: "content-type", value: "text/plain" }], body: { as_string: "hello" }, headers_received_time: "2024-05-01T10:00:00Z" },
    response: { headers: [{ key: ":status", value: "201" }], body: { as_bytes: "b2s=" }, trailers: [{ key: "grpc-status", value: "0" }], headers_received_time: "2024-05-01T10:00:00.002Z" },
    downstream_connection: { local_address: { socket_address: { address: "10.0.0.1", port_value: 8080 } }, remote_address: { socket_address: { address: "10.0.0.2", port_value: 50000 } } },
  },
};
const streamed = [
  { http_streamed_trace_segment: { trace_id: "11", request_headers: { headers: [{ key: ":method", value: "GET" }, { key: ":path", value: "/stream" }] } } },
  { http_streamed_trace_segment: { trace_id: "11", response_headers: { headers: [{ key: ":status", value: "200" }] } } },
  { http_streamed_trace_segment: { trace_id: "11", response_body_chunk: { as_string: "part1 " } } },
  { http_streamed_trace_segment: { trace_id: "11", response_body_chunk: { as_string: "part2" } } },
];

suite("HTTP traces become synthesized HTTP/1.1 connections", { skip }, () => {
  test("buffered (JSON) and streamed (NDJSON) traces decode as HTTP in tshark, with the comment saying synthesized", async () => {
    const a = join(dir, "http_1.json");
    const b = join(dir, "http_11.ndjson");
    writeFileSync(a, JSON.stringify(buffered));
    writeFileSync(b, streamed.map((s) => JSON.stringify(s)).join("\n") + "\n");
    const out = join(dir, "http.pcapng");
    const io = memoryIO();
    assert.equal(await main(["tap", "pcap", a, b, "-o", out, "--pcapng"], io), 0, io.stderr.text());
    const requests = tshark(["-r", out, "-Y", "http.request", "-T", "fields", "-e", "http.request.method", "-e", "http.request.uri", "-e", "http.host"]);
    assert.deepEqual(requests.trim().split("\n").sort(), ["GET\t/stream\t", "POST\t/api/items\texample.test"].sort());
    const responses = tshark(["-r", out, "-Y", "http.response", "-T", "fields", "-e", "http.response.code", "-e", "http.file_data"]);
    assert.deepEqual(responses.trim().split("\n").sort(), ["200\tpart1 part2", "201\tok"].sort());
    const comments = tshark(["-r", out, "-Y", "frame.comment", "-T", "fields", "-e", "frame.comment"]);
    assert.equal((comments.match(/synthesized: HTTP\/1.1 messages made from an HTTP trace/g) ?? []).length, 2);
    assert.equal(tshark(["-r", out, "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-Y", '_ws.malformed || tcp.analysis.flags || _ws.expert.severity >= "Warning"']).trim(), "");
  });
});
