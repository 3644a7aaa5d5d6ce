import { fromBinary } from "@bufbuild/protobuf";
import { AddressSchema } from "../../gen/envoy/config/core/v3/address_pb.js";
import type { Connection } from "../../gen/envoy/data/tap/v3/common_pb.js";
import { WireCursor } from "../wire/cursor.js";
import { endpointOf } from "./endpoint.js";
import type { ConnectionLayout, TapConnection } from "./model.js";

/** A v3 `Connection` read with the right numbering, and how sure the reading is. */
export interface ConnectionReading {
  readonly connection: TapConnection;
  readonly layout: ConnectionLayout;
  /** Why the layout could not be told from the message alone (or was forced against it); undefined when it was clear. */
  readonly doubt?: string;
}

/**
 * Reads a v3 `Connection` decoded with today's schema, whose numbers changed
 * in Envoy 1.28 (`2 local, 3 remote` became `1 local, 2 remote`). Field 3 is
 * unknown to today's schema and protobuf-es keeps it in `$unknown`: its
 * presence means the old layout, in which today's `remote_address` (field 2)
 * is the old local address. Field 1 alone means the current layout; field 2
 * alone cannot be told apart and is read as `forced` or the current layout,
 * with a doubt to report. JSON and text name the fields, so only binary
 * input can carry the old numbering.
 */
export function readConnection(message: Connection, forced?: ConnectionLayout): ConnectionReading {
  const oldRemote = message.$unknown?.filter((field) => field.no === 3 && field.wireType === 2).at(-1);
  const has1 = message.localAddress !== undefined;
  const has2 = message.remoteAddress !== undefined;
  const has3 = oldRemote !== undefined;
  let layout: ConnectionLayout;
  let doubt: string | undefined;
  if (forced !== undefined) {
    layout = forced;
    if (forced === "current" && has3) doubt = "the Connection has field 3, which only the pre-1.28 layout has, but the current layout was forced; field 3 is ignored";
    if (forced === "pre-1.28" && has1) doubt = "the Connection has field 1, which only the current layout has, but the pre-1.28 layout was forced; field 1 is ignored";
  } else if (has3) {
    layout = "pre-1.28";
    if (has1) doubt = "the Connection has fields 1 and 3, which no Envoy writes together; read with the pre-1.28 layout (pass --connection-layout to choose)";
  } else {
    layout = "current";
    if (has2 && !has1) doubt = "the Connection has only field 2, the remote address since Envoy 1.28 or the local address before; read with the current layout (pass --connection-layout pre-1.28 for traces of Envoy 1.13 to 1.27)";
  }
  if (layout === "current") {
    return withDoubt({ connection: { ...(has1 ? { local: endpointOf(message.localAddress!) } : {}), ...(has2 ? { remote: endpointOf(message.remoteAddress!) } : {}) }, layout }, doubt);
  }
  const remote = has3 ? endpointOf(decodeAddress(oldRemote.data)) : undefined;
  return withDoubt({ connection: { ...(has2 ? { local: endpointOf(message.remoteAddress!) } : {}), ...(remote !== undefined ? { remote } : {}) }, layout }, doubt);
}

function withDoubt(reading: ConnectionReading, doubt: string | undefined): ConnectionReading {
  return doubt === undefined ? reading : { ...reading, doubt };
}

/** Decodes an unknown length-delimited field kept by protobuf-es (its length prefix included) as an Address. */
function decodeAddress(data: Uint8Array) {
  const cursor = new WireCursor(data);
  const end = cursor.lengthEnd(data.length);
  return fromBinary(AddressSchema, data.subarray(cursor.pos, end));
}
