"""Decodes payloads with Google's protobuf runtime for the differential test.

Started once per test run by google-runtime.ts with the directory that
`protoc --python_out` filled and a file listing the message types the
package's registry knows (the only types whose packed `Any` values are
unpacked, so that both sides unpack the same set).

Protocol, one line each way per input, on stdin/stdout:

    request:  <type name> <"binary" | "json"> <base64 payload>
    reply:    {"ok": true, "value": <canonical value>}
              {"ok": false, "reason": "<why Google's runtime refused>"}

A request line "." asks for every pending reply to be flushed, so that the
caller can send a whole batch and then wait once.

The canonical value is the field-by-field form that canonical.ts builds
from a protobuf-es message; the two must agree exactly. See canonical.ts for
its grammar.
"""

import base64
import json
import math
import os
import struct
import sys


def load_generated_modules(out_dir):
    """Imports every *_pb2.py protoc wrote, so their types join the default pool."""
    import importlib
    import google

    # The package ships google/rpc/*.proto; Python's `google` package lives in
    # dist-packages, so its search path must include the generated google/ too.
    google.__path__.append(os.path.join(out_dir, "google"))
    sys.path.insert(0, out_dir)
    for root, _dirs, files in os.walk(out_dir):
        for name in sorted(files):
            if name.endswith("_pb2.py"):
                rel = os.path.relpath(os.path.join(root, name[:-3]), out_dir)
                importlib.import_module(rel.replace(os.sep, "."))
    # The well-known types the package's registry holds.
    for wkt in ("any", "duration", "timestamp", "struct", "wrappers", "empty", "field_mask"):
        importlib.import_module("google.protobuf.%s_pb2" % wkt)


def main():
    out_dir, known_types_file = sys.argv[1], sys.argv[2]
    load_generated_modules(out_dir)
    from google.protobuf import descriptor, json_format, symbol_database
    from google.protobuf.internal import api_implementation

    with open(known_types_file, encoding="utf-8") as f:
        known_types = set(line.strip() for line in f if line.strip())
    database = symbol_database.Default()
    FD = descriptor.FieldDescriptor

    sixty_four = {FD.TYPE_INT64, FD.TYPE_UINT64, FD.TYPE_SINT64, FD.TYPE_FIXED64, FD.TYPE_SFIXED64}

    def float_bits(value, fmt):
        if math.isnan(value):
            return "nan"
        return struct.pack(fmt, value).hex()

    def scalar(fd, value):
        t = fd.type
        if t in sixty_four:
            return str(value)
        if t == FD.TYPE_DOUBLE:
            return float_bits(value, "<d")
        if t == FD.TYPE_FLOAT:
            return float_bits(value, "<f")
        if t == FD.TYPE_BYTES:
            return value.hex()
        return value  # bool, string, 32-bit integers, enums (as numbers)

    def value_of(fd, value, encoding, depth):
        if fd.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
            return canonical(value, encoding, depth + 1)
        return scalar(fd, value)

    def unknown(fields):
        out = []
        for field in fields:
            wire_type = field.wire_type
            data = field.data
            if wire_type == 0:
                shown = str(data)
            elif wire_type == 1:
                shown = struct.pack("<Q", data).hex()
            elif wire_type == 5:
                shown = struct.pack("<I", data).hex()
            elif wire_type == 2:
                shown = bytes(data).hex()
            else:
                shown = unknown(data)
            out.append([field.field_number, wire_type, shown])
        return out

    def canonical_any(message, encoding, depth):
        out = {}
        if message.type_url:
            out["1"] = message.type_url
        if message.value:
            out["2"] = message.value.hex()
        name = message.type_url.rsplit("/", 1)[-1]
        if name not in known_types:
            out["packed"] = "unknown-type"
            return out
        inner = database.GetSymbol(name)()
        try:
            inner.ParseFromString(message.value)
        except Exception:  # noqa: BLE001 - any refusal means "cannot unpack"
            out["packed"] = "unparseable"
            return out
        out["packed"] = canonical(inner, encoding, depth + 1)
        if encoding == "json":
            # Packed bytes depend on the serializer's field order; the JSON
            # input only fixes the packed value.
            out.pop("2", None)
        return out

    def canonical(message, encoding, depth=0):
        if depth > 200:
            raise RecursionError("canonical form nests too deep")
        d = message.DESCRIPTOR
        if d.full_name == "google.protobuf.Any":
            out = canonical_any(message, encoding, depth)
        else:
            out = {}
            for fd, value in message.ListFields():
                if fd.is_extension:
                    continue
                key = str(fd.number)
                if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
                    value_fd = fd.message_type.fields_by_name["value"]
                    out[key] = {str(k) if not isinstance(k, bool) else ("true" if k else "false"): value_of(value_fd, v, encoding, depth)
                                for k, v in value.items()}
                elif fd.label == FD.LABEL_REPEATED:
                    out[key] = [value_of(fd, v, encoding, depth) for v in value]
                else:
                    out[key] = value_of(fd, value, encoding, depth)
        fields = message.UnknownFields()
        if len(fields) > 0:
            out["unknown"] = unknown(fields)
        return out

    def decode(type_name, encoding, payload):
        message = database.GetSymbol(type_name)()
        if encoding == "binary":
            message.ParseFromString(payload)
        else:
            json_format.Parse(payload.decode("utf-8"), message)
        return canonical(message, encoding)

    sys.stderr.write("google-worker: protobuf %s, %s implementation\n" % (
        __import__("google.protobuf").protobuf.__version__, api_implementation.Type()))
    sys.stderr.flush()

    stdin = sys.stdin.buffer
    stdout = sys.stdout
    pending = []
    for line in stdin:
        line = line.rstrip(b"\n")
        if line == b".":
            pending.append("")
            stdout.write("\n".join(pending))
            stdout.flush()
            pending = []
            continue
        if line == b"?":
            pending.append(json.dumps({"version": __import__("google.protobuf").protobuf.__version__,
                                       "implementation": api_implementation.Type()}))
            continue
        type_name, encoding, encoded = line.split(b" ", 2)
        try:
            value = decode(type_name.decode(), encoding.decode(), base64.b64decode(encoded))
            reply = {"ok": True, "value": value}
        except Exception as error:  # noqa: BLE001 - every refusal is an answer
            reply = {"ok": False, "reason": "%s: %s" % (type(error).__name__, str(error)[:200])}
        pending.append(json.dumps(reply, sort_keys=True))


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    main()
