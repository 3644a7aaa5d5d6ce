import type { Address as AddressV2 } from "../../gen/envoy/api/v2/core/address_pb.js";
import type { Address as AddressV3 } from "../../gen/envoy/config/core/v3/address_pb.js";
import type { Endpoint } from "./model.js";

/** The {@link Endpoint} an address message names (either API version). */
export function endpointOf(address: AddressV2 | AddressV3): Endpoint {
  const member = address.address;
  switch (member.case) {
    case "socketAddress": {
      const socket = member.value;
      const protocol = socket.protocol === 1 ? "udp" : "tcp";
      if (socket.portSpecifier.case === "namedPort") {
        return { kind: "unresolved", description: `${socket.address} port "${socket.portSpecifier.value}"` };
      }
      return { kind: "socket", address: socket.address, port: socket.portSpecifier.value ?? 0, protocol };
    }
    case "pipe":
      return { kind: "pipe", path: member.value.path };
    case "envoyInternalAddress": {
      const internal = member.value;
      return { kind: "internal", name: internal.addressNameSpecifier.value ?? "", endpointId: internal.endpointId };
    }
    default:
      return { kind: "unresolved", description: "an address with no member set" };
  }
}

/** A person's spelling of an endpoint: `127.0.0.1:80`, `[::1]:443`, `pipe:/run/x.sock`, `internal:name`. */
export function formatEndpoint(endpoint: Endpoint | undefined): string {
  if (endpoint === undefined) return "?";
  switch (endpoint.kind) {
    case "socket":
      return endpoint.address.includes(":") ? `[${endpoint.address}]:${endpoint.port}` : `${endpoint.address}:${endpoint.port}`;
    case "pipe":
      return `pipe:${endpoint.path}`;
    case "internal":
      return `internal:${endpoint.name}${endpoint.endpointId === "" ? "" : `#${endpoint.endpointId}`}`;
    case "unresolved":
      return endpoint.description;
  }
}
