import assert from "node:assert/strict";
import { test } from "node:test";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { TunnelInitiatorIdentitySchema } from "../index.js";
import { keepLeadingByteOrderMarks } from "./byte-order-marks.js";

// TunnelInitiatorIdentity { tenant_id: "\uFEFFa" }: the byte order mark, then "a".
const bytes = Uint8Array.of(0x0a, 4, 0xef, 0xbb, 0xbf, 0x61);

// node --test runs each file in a process of its own, so the process-wide setting stays here.
test("protobuf-es strips a leading U+FEFF by default; keepLeadingByteOrderMarks keeps it, and the bytes round-trip", () => {
  assert.equal(fromBinary(TunnelInitiatorIdentitySchema, bytes).tenantId, "a");
  keepLeadingByteOrderMarks();
  const kept = fromBinary(TunnelInitiatorIdentitySchema, bytes);
  assert.equal(kept.tenantId, "\uFEFFa");
  assert.deepEqual(toBinary(TunnelInitiatorIdentitySchema, kept), bytes);
  // Invalid UTF-8 is still refused where protobuf-es checks it.
  assert.throws(() => fromBinary(TunnelInitiatorIdentitySchema, Uint8Array.of(0x0a, 1, 0xff)));
});
