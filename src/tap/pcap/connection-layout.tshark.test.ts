import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, suite, test } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { AddressSchema } from "../../../gen/envoy/config/core/v3/address_pb.js";
import { ConnectionSchema } from "../../../gen/envoy/data/tap/v3/common_pb.js";
import { TraceWrapperSchema } from "../../../gen/envoy/data/tap/v3/wrapper_pb.js";
import { main } from "../../cli/main.js";
import { memoryIO } from "../../cli/memory-io.testdata.js";
import { tshark, tsharkMissing } from "../testdata/tshark.testdata.js";

const skip = tsharkMissing();
const dir = mkdtempSync(join(tmpdir(), "tap-layout-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const address = (ip: string, port: number) => toBinary(AddressSchema, create(AddressSchema, { address: { case: "socketAddress", value: { address: ip, portSpecifier: { case: "portValue", value: port } } } }));

/** A v3 buffered trace whose Connection is numbered as Envoy 1.13-1.27 wrote it: 2 local, 3 remote. */
function oldLayoutTrace(): Uint8Array {
  const oldConnection = new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(address("10.1.1.1", 8443)).tag(3, WireType.LengthDelimited).bytes(address("10.2.2.2", 51000)).finish();
  // Today's schema reads field 2 as remote_address and keeps field 3 as an unknown field, which it writes back.
  const connection = fromBinary(ConnectionSchema, oldConnection);
  const wrapper = create(TraceWrapperSchema, {
    trace: { case: "socketBufferedTrace", value: { traceId: 5n, connection, events: [{ timestamp: { seconds: 1700000000n }, eventSelector: { case: "read", value: { data: { bodyType: { case: "asBytes", value: new TextEncoder().encode("hello") } } } } }] } },
  });
  return toBinary(TraceWrapperSchema, wrapper);
}

suite("the pre-1.28 v3 Connection layout", { skip }, () => {
  test("is detected, and the capture has the old local and remote addresses the right way round", async () => {
    const input = join(dir, "old_5.pb");
    writeFileSync(input, oldLayoutTrace());
    const out = join(dir, "old.pcap");
    const io = memoryIO();
    assert.equal(await main(["tap", "pcap", input, "-o", out], io), 0, io.stderr.text());
    const syn = tshark(["-r", out, "-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 0", "-T", "fields", "-e", "ip.src", "-e", "tcp.srcport", "-e", "ip.dst", "-e", "tcp.dstport"]);
    // The peer (remote) opens the connection to Envoy (local).
    assert.equal(syn.trim(), "10.2.2.2\t51000\t10.1.1.1\t8443");
    const summary = memoryIO();
    assert.equal(await main(["tap", "summary", "--json", input], summary), 0);
    const row = JSON.parse(summary.stdout.text()).connections[0];
    assert.deepEqual([row.local, row.remote], ["10.1.1.1:8443", "10.2.2.2:51000"]);
  });

  test("forcing the current layout reads field 2 as the remote address and warns that field 3 is ignored", async () => {
    const input = join(dir, "old_6.pb");
    writeFileSync(input, oldLayoutTrace());
    const io = memoryIO();
    assert.equal(await main(["tap", "summary", "--json", "--connection-layout", "current", input], io), 0);
    const row = JSON.parse(io.stdout.text()).connections[0];
    assert.deepEqual([row.local, row.remote], ["?", "10.1.1.1:8443"]);
    assert.deepEqual(row.findings.map((f: { ruleId: string }) => f.ruleId), ["trace.connection_layout"]);
  });
});
