import { ScalarType } from "@bufbuild/protobuf";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { MapKeySegment } from "./path.js";

/**
 * The key of the map entry in `bytes[start, end)`, as a path segment. The
 * key may follow the value on the wire, so the entry is read ahead; a
 * missing key is the key type's zero value, as the decoder assumes. Only
 * used while building paths, so decoding with `BinaryReader` is fine here.
 */
export function readMapKey(bytes: Uint8Array, start: number, end: number, keyScalar: ScalarType): MapKeySegment {
  const quoted = keyScalar === ScalarType.STRING;
  let key = quoted ? "" : keyScalar === ScalarType.BOOL ? "false" : "0";
  try {
    const reader = new BinaryReader(bytes.subarray(start, end));
    while (reader.pos < reader.len) {
      const [number, wireType] = reader.tag();
      if (number !== 1) {
        reader.skip(wireType, number);
        continue;
      }
      key = String(readKey(reader, keyScalar));
    }
  } catch {
    // A broken entry keeps the default key; the wire scan reports the fault itself.
  }
  return new MapKeySegment(key, quoted);
}

function readKey(reader: BinaryReader, scalar: ScalarType): string | number | bigint | boolean {
  switch (scalar) {
    case ScalarType.STRING:
      return reader.string();
    case ScalarType.BOOL:
      return reader.bool();
    case ScalarType.INT64:
      return reader.int64();
    case ScalarType.UINT64:
      return reader.uint64();
    case ScalarType.SINT64:
      return reader.sint64();
    case ScalarType.FIXED64:
      return reader.fixed64();
    case ScalarType.SFIXED64:
      return reader.sfixed64();
    case ScalarType.INT32:
      return reader.int32();
    case ScalarType.UINT32:
      return reader.uint32();
    case ScalarType.SINT32:
      return reader.sint32();
    case ScalarType.FIXED32:
      return reader.fixed32();
    case ScalarType.SFIXED32:
      return reader.sfixed32();
    default:
      // Map keys are never float, double or bytes.
      return "";
  }
}
