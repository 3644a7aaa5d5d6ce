import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { CaptureWriter, frameSide, TcpFlag } from "./capture-writer.js";

/** RFC 1071 the plain way: big-endian words from the start, an odd last byte padded with zero, folded and inverted. */
function referenceChecksum(parts: readonly Uint8Array[]): number {
  const bytes = Buffer.concat(parts);
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const sides = {
  v4: frameSide({ srcIp: new Uint8Array([10, 0, 0, 2]), dstIp: new Uint8Array([10, 0, 0, 1]), srcMac: new Uint8Array(6), dstMac: new Uint8Array(6), srcPort: 40000, dstPort: 443, direction: 1 }),
  v6: frameSide({ srcIp: Uint8Array.from({ length: 16 }, (_, i) => i * 17), dstIp: Uint8Array.from({ length: 16 }, (_, i) => 255 - i), srcMac: new Uint8Array(6), dstMac: new Uint8Array(6), srcPort: 65535, dstPort: 1, direction: 2 }),
};

/** Every frame of a classic pcap file. */
function frames(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 24; at < file.length; ) {
    const length = view.getUint32(at + 8, true);
    out.push(file.subarray(at + 16, at + 16 + length));
    at += 16 + length;
  }
  return out;
}

test("every packet's IPv4 header checksum and TCP checksum (IPv4 and IPv6 pseudo-headers) equal RFC 1071 computed plainly, at any payload length and buffer alignment", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.record({ family: fc.constantFrom("v4" as const, "v6" as const), payload: fc.uint8Array({ maxLength: 3000 }), seq: fc.nat({ max: 0xffffffff }), syn: fc.boolean() }), { minLength: 1, maxLength: 12 }), async (packets) => {
      const written: Uint8Array[] = [];
      const writer = new CaptureWriter("pcap", async (bytes) => void written.push(bytes.slice()));
      writer.setTime(1_700_000_000_123_456_789n);
      for (const p of packets) writer.packet(sides[p.family], p.seq, 12345, TcpFlag.ack | (p.syn ? TcpFlag.syn : 0), 7, p.payload, 0, p.payload.length, p.syn ? 1460 : undefined);
      await writer.finish();
      const captured = frames(Buffer.concat(written));
      assert.equal(captured.length, packets.length);
      captured.forEach((frame, i) => {
        const v6 = packets[i]!.family === "v6";
        const ip = frame.subarray(14, v6 ? 54 : 34);
        const tcp = frame.subarray(v6 ? 54 : 34);
        assert.ok(Buffer.from(tcp.subarray(tcp.length - packets[i]!.payload.length)).equals(packets[i]!.payload), "the payload follows the headers unchanged");
        const length = new Uint8Array([0, 0, tcp.length >> 8, tcp.length & 0xff]);
        const pseudo = v6 ? [ip.subarray(8, 40), length, new Uint8Array([0, 0, 0, 6])] : [ip.subarray(12, 20), new Uint8Array([0, 6]), length.subarray(2)];
        assert.equal(referenceChecksum([...pseudo, tcp]), 0, "TCP checksum over pseudo-header and segment verifies");
        if (!v6) assert.equal(referenceChecksum([ip]), 0, "IPv4 header checksum verifies");
      });
    }),
    { numRuns: 200 },
  );
});

test("checksums stay right in buffers beyond the WebAssembly memory (summed in JavaScript), when one event queues many buffers", async () => {
  const written: Uint8Array[] = [];
  const writer = new CaptureWriter("pcap", async (bytes) => void written.push(bytes.slice()));
  writer.setTime(1_700_000_000_000_000_000n);
  // 12 MiB of 65,000-byte payloads without a drain between them: more than the four 2 MiB buffers in WebAssembly memory.
  const payloads = Array.from({ length: 190 }, (_, i) => Uint8Array.from({ length: 65_000 - (i % 3) }, (_, j) => (j * 31 + i * 7) & 0xff));
  payloads.forEach((payload, i) => writer.packet(i % 2 === 0 ? sides.v4 : sides.v6, i * 65_000, 1, TcpFlag.ack, i, payload, i % 5, payload.length));
  await writer.finish();
  assert.ok(written.length > 4, `${written.length} buffers written`);
  const captured = frames(Buffer.concat(written));
  assert.equal(captured.length, payloads.length);
  captured.forEach((frame, i) => {
    const v6 = i % 2 === 1;
    const ip = frame.subarray(14, v6 ? 54 : 34);
    const tcp = frame.subarray(v6 ? 54 : 34);
    const length = new Uint8Array([0, 0, tcp.length >> 8, tcp.length & 0xff]);
    const pseudo = v6 ? [ip.subarray(8, 40), length, new Uint8Array([0, 0, 0, 6])] : [ip.subarray(12, 20), new Uint8Array([0, 6]), length.subarray(2)];
    assert.equal(referenceChecksum([...pseudo, tcp]), 0, `packet ${i}`);
  });
});
