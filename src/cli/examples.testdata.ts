/**
 * What `envoy-tap-tunnel validate` prints for the bundled examples, line by
 * line: the expectations of the end-to-end tests and of the README.
 */

/** `envoy-tap-tunnel validate examples/valid` (exit 0). */
export const validOutput: readonly string[] = ["checked 17 messages in 13 files: 0 invalid"];

/** `envoy-tap-tunnel validate examples/invalid` (exit 1). */
export const invalidOutput: readonly string[] = [
  "examples/invalid/grpc-client.json:3:14: cluster: value length must be at least 1 characters [string.min_len]",
  "examples/invalid/grpc-client.json:4:28: default_send_interval: value must be less than or equal to 3600s [duration.lte]",
  "examples/invalid/huge-length.Trace.pb_length_delimited #0 @0: cannot decode envoy.data.tap.v2alpha.Trace from delimited: message length 1879048192 exceeds the limit of 67108864 bytes; pass --max-message-bytes N (such as 256MiB) to raise the limit [input.too_large]",
  "examples/invalid/not-json.json:3:3: invalid JSON: expected ',' or '}', got '\"' [json.syntax]",
  "examples/invalid/read-and-write.Trace.pb #0 @18: events[0].event_selector: at most one of read, write may be set [oneof.multiple]",
  "examples/invalid/report-typo.json:3:3: added_tunnel: unknown field \"added_tunnel\" of envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.StreamReverseTunnelsRequest [json.unknown_field]",
  "examples/invalid/report.StreamReverseTunnelsRequest.pb #0 @36: added_tunnels[0].name: value length must be at least 1 characters [string.min_len]",
  "examples/invalid/report.StreamReverseTunnelsRequest.pb #0 @36: added_tunnels[0].created_at: value is required [timestamp.required]",
  "examples/invalid/report.StreamReverseTunnelsRequest.pb #0 @38: added_tunnels[0].identity.tenant_id: value length must be at least 1 characters [string.min_len]",
  "examples/invalid/report.StreamReverseTunnelsRequest.pb #0 @69: nonce: value must be greater than or equal to 0 [int64.gte]",
  "examples/invalid/report.json:4:5: added_tunnels[0].created_at: value is required [timestamp.required]",
  "examples/invalid/report.json:5:15: added_tunnels[0].name: value length must be at least 1 characters [string.min_len]",
  "examples/invalid/report.json:6:34: added_tunnels[0].identity.tenant_id: value length must be at least 1 characters [string.min_len]",
  "examples/invalid/report.json:9:12: nonce: value must be greater than or equal to 0 [int64.gte]",
  "examples/invalid/report.pb_text:3:1: added_tunnels[0].identity: value is required [message.required]",
  "examples/invalid/report.pb_text:8:1: removed_tunnel_names[1]: value length must be at least 1 characters [string.min_len]",
  "examples/invalid/reports.StreamReverseTunnelsRequest.pb_length_delimited #1 @97: node: value is required [message.required]",
  "examples/invalid/reports.StreamReverseTunnelsRequest.pb_length_delimited #1 @98: removed_tunnel_names[0]: value length must be at least 1 characters [string.min_len]",
  "examples/invalid/reports.ndjson:2:1: node: value is required [message.required]",
  "examples/invalid/reports.ndjson:2:24: removed_tunnel_names[0]: value length must be at least 1 characters [string.min_len]",
  "examples/invalid/response.json:3:22: report_interval: value must be greater than or equal to 0.025s [duration.gte]",
  "examples/invalid/response.json:4:20: request_nonce: value must be greater than or equal to 0 [int64.gte]",
  "examples/invalid/trace-bad-port.pb_text:6:7: connection.local_address.socket_address.address: value length must be at least 1 bytes [string.min_bytes]",
  "examples/invalid/trace-bad-port.pb_text:7:7: connection.local_address.socket_address.port_value: value must be less than or equal to 65535 [uint32.lte]",
  "examples/invalid/trace.Trace.pb #0 @23: connection.remote_address.socket_address.port_specifier: exactly one of port_value, named_port must be set [oneof.required]",
  "examples/invalid/trace.Trace.pb #0 @104: events[1].event_selector: exactly one of read, write must be set [oneof.required]",
  "examples/invalid/trace.json:5:43: connection.remote_address.socket_address.port_specifier: exactly one of port_value, named_port must be set [oneof.required]",
  "examples/invalid/trace.json:12:5: events[1].event_selector: exactly one of read, write must be set [oneof.required]",
  "examples/invalid/traces.Trace.pb_length_delimited #1 @51: connection.local_address.pipe.path: value length must be at least 1 bytes [string.min_bytes]",
  "examples/invalid/traces.Trace.pb_length_delimited #1 @53: connection.local_address.pipe.mode: value must be less than or equal to 511 [uint32.lte]",
  "examples/invalid/traces.ndjson:2:56: connection.local_address.pipe.path: value length must be at least 1 bytes [string.min_bytes]",
  "examples/invalid/traces.ndjson:2:66: connection.local_address.pipe.mode: value must be less than or equal to 511 [uint32.lte]",
  "examples/invalid/truncated.Trace.pb #0 @109: events[1]: length-delimited value of 59 bytes runs past the end of the data (54 bytes left) [wire.truncated]",
  "checked 21 messages in 17 files: 17 invalid",
];

/** `envoy-tap-tunnel validate examples/warnings` (exit 0: warnings pass without --strict). */
export const warningsOutput: readonly string[] = [
  "examples/warnings/duplicate-id.Connection.pb #0 @2: warning: id: singular field appears more than once; the decoder keeps the last value [wire.duplicate_field]",
  "examples/warnings/trace-out-of-order.json:5:20: warning: events[1].timestamp: timestamp 2026-11-21T09:00:01Z is earlier than 2026-11-21T09:00:02Z of events[0]; events of a trace are in socket order [trace.timestamp_order]",
  "examples/warnings/trace-write-after-end.json:5:53: warning: events[1].write: write after events[0] ended the stream (end_stream: true) [trace.write_after_end_stream]",
  "examples/warnings/unknown-field.Trace.pb #0 @18: warning: events[0]: unknown field 6 (varint) of envoy.data.tap.v2alpha.Event [wire.unknown_field]",
  "checked 4 messages in 4 files: 0 invalid, 4 warnings",
];
