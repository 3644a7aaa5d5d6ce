import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { TunnelInitiatorIdentitySchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { decode } from "../codec/decode.js";
import { withLeadingByteOrderMarks } from "./read-scalar.js";

// TunnelInitiatorIdentity { tenant_id: "\uFEFFa" }: the byte order mark, then "a".
const bytes = Uint8Array.of(0x0a, 4, 0xef, 0xbb, 0xbf, 0x61);

suite("withLeadingByteOrderMarks()", () => {
  test("keeps a leading U+FEFF inside the call only, and the bytes round-trip", () => {
    const kept = withLeadingByteOrderMarks(() => fromBinary(TunnelInitiatorIdentitySchema, bytes));
    assert.equal(kept.tenantId, "\uFEFFa");
    assert.deepEqual(toBinary(TunnelInitiatorIdentitySchema, kept), bytes);
    // protobuf-es' own default is left as it was: no process-wide switch.
    assert.equal(fromBinary(TunnelInitiatorIdentitySchema, bytes).tenantId, "a");
  });

  test("still refuses invalid UTF-8 where protobuf-es checks it, and restores the default after a throw", () => {
    assert.throws(() => withLeadingByteOrderMarks(() => fromBinary(TunnelInitiatorIdentitySchema, Uint8Array.of(0x0a, 1, 0xff))));
    assert.equal(fromBinary(TunnelInitiatorIdentitySchema, bytes).tenantId, "a");
  });

  test("is what decode() uses", () => {
    assert.equal(decode(TunnelInitiatorIdentitySchema, bytes, "binary")[0]?.tenantId, "\uFEFFa");
  });
});
