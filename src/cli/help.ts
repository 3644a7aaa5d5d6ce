/**
 * The `--help` texts. They are the CLI's reference, so each one says what
 * the defaults are and how a type and format are found without options.
 */

/** `envoy-tap-tunnel --help`. */
export const MAIN_HELP = `Usage: envoy-tap-tunnel <command> [options]

Validate and convert Envoy tap traces (envoy.data.tap.v2alpha) and reverse
tunnel reporting messages in any format Envoy writes.

Commands:
  validate [options] PATH... | -   check payloads against Envoy's validation rules
  convert [options] [IN] [-o OUT]  convert between binary, delimited, JSON, NDJSON and text
  schema TYPE                      print the JSON Schema of a message type
  types                            list the message types and their short names
  tap pcap|summary|follow IN...    tap traces as a capture, a summary or byte streams
  serve [options]                  run the reverse tunnel reporting server (gRPC + HTTP views)
  report --target HOST:PORT        report tunnels to a server as Envoy does, print ACK latencies

Options:
  -h, --help     show help (also after a command: envoy-tap-tunnel validate --help)
  --version      print the version

Exit codes: 0 valid, 1 invalid payload, 2 usage or I/O error.
Environment: NO_COLOR disables colors; GITHUB_ACTIONS=true adds workflow
annotations; ENVOY_TAP_TUNNEL_DEBUG=1 prints stack traces of internal errors.
`;

const TYPE_RULES = `How the message type is found (first match wins):
  1. --type: a full name (envoy.data.tap.v2alpha.Trace) or a short name (Trace);
     envoy-tap-tunnel types lists them.
  2. The file name: the name without its extension, or its last dot-separated
     parts, is a type name: Trace.pb, capture-1.Trace.pb,
     envoy.data.tap.v2alpha.Trace.pb_length_delimited. Names are case-sensitive.
  3. JSON, NDJSON and text only: the top-level field names of the first
     64 KiB, when exactly one tap or reverse tunnel type fits them best.
  Binary input without 1 or 2 has no field names to go by: that is a usage
  error (exit 2).`;

const FORMAT_RULES = `Formats (binary, delimited, json, ndjson, text) come from the extension:
  .pb .bin .binpb                      binary (one message)
  .pb_length_delimited .pbdelim        delimited (varint-length-prefixed messages)
  .json                                json (one object, an array, or objects one after another)
  .ndjson .jsonl                       ndjson (one object per line)
  .pb_text .textproto .txtpb .txt      text (protobuf text format, one message)
  Other names and standard input are recognized by their content.`;

/** `envoy-tap-tunnel validate --help`. */
export const VALIDATE_HELP = `Usage: envoy-tap-tunnel validate [options] PATH... | -

Check every message in the given files, directories (walked recursively,
taking files with a payload extension, skipping names that start with '.')
and standard input (-) against Envoy's (validate.rules) and the encoding.

Options:
  -t, --type TYPE      the message type of every input (default: see below)
  -f, --format FORMAT  the format of every input (default: from extension or content)
  --strict             fail on warnings too: a non-repeated field twice on the wire
                       [wire.duplicate_field], a binary field the schema does not
                       declare [wire.unknown_field], decreasing event timestamps in
                       a trace, a write after end_stream
  --json               print one JSON report on stdout instead of lines
  --max-problems N     print only the first N problems; the summary still counts all
  --allow-empty        accept an input with no message (empty, blank, []); by default
                       it is a problem [input.empty]
  --max-message-bytes N  the largest message accepted (default 64MiB); a size in bytes,
                       or with KiB, MiB or GiB; a larger one is a problem [input.too_large]
  -h, --help           show this help

Output, one line per problem, then a summary:
  FILE:LINE:COL: path: message [rule.id]        (JSON, NDJSON, text)
  FILE #INDEX @BYTE: path: message [rule.id]    (binary, delimited; INDEX is the message)
  FILE ...: warning: path: message [rule.id]    (warnings, without --strict)
  checked N messages in M files: K invalid
Text from the input (keys, values, file names) is printed with control
characters escaped (\\n, \\u001b), so each problem is one line.
A line without a rule id (or with input.too_large) is input that cannot be
cut into messages or decoded; the rest of that file is skipped. Errors that stop a file (an
unreadable path, a directory without payload files, a type that cannot be
told) print as "envoy-tap-tunnel: message" on stderr; the other files are
still checked. With GITHUB_ACTIONS=true, problems are also printed as
workflow annotations. --json prints one document, written as problems arrive:
  { "problems": [{ kind, severity, file, index, line, column | offset, path, ruleId, message }],
    "errors": [{ kind, file, message }],
    "summary": { files, messages, invalid, warnings, errors }, "ok", "problemsNotListed" }

${TYPE_RULES}

${FORMAT_RULES}

Exit codes: 0 all valid, 1 some message invalid (or a warning with --strict,
or an input with no message), 2 usage or I/O error. The exit code holds when
the reader of the output goes away (validate ... | head -1).

Examples:
  envoy-tap-tunnel validate examples/valid
  envoy-tap-tunnel validate --type Trace captures/
  cat reports.ndjson | envoy-tap-tunnel validate --type StreamReverseTunnelsRequest -
`;

/** `envoy-tap-tunnel convert --help`. */
export const CONVERT_HELP = `Usage: envoy-tap-tunnel convert [options] [IN] [-o OUT]

Convert messages between formats, streaming message by message. IN defaults
to standard input (-), OUT to standard output.

Options:
  -t, --type TYPE        the message type (default: from IN's name or content, as validate)
  --from FORMAT          the input format (default: from IN's extension or content)
  --to FORMAT            the output format (default: from OUT's extension; required for stdout)
  -o, --output OUT       write to OUT (through a temporary file, renamed when complete)
  --proto-names          JSON keys are proto field names (local_address) instead of
                         lowerCamelCase JSON names (localAddress)
  --pretty               indent JSON output (--to json only)
  --allow-loss           convert even where the output holds less than the input
                         (see below); --allow-unknown-loss is a deprecated alias
  --max-message-bytes N  the largest message accepted (default 64MiB); a size in bytes,
                         or with KiB, MiB or GiB; a larger one fails [input.too_large]
  -h, --help             show this help

A conversion never loses data silently. Without --allow-loss it fails
(exit 1), naming the field path, the rule and the byte offset, when:
  - two members of one oneof are on the wire (only the last would be kept)
    [oneof.multiple];
  - unknown binary fields (from a newer schema) would go to json, ndjson or
    text, which cannot hold them (binary and delimited keep them)
    [wire.unknown_field];
  - a google.protobuf.Any cannot be written as JSON: its type is not known,
    its value does not decode, or it has a value but no type URL (with
    --allow-loss it is dropped; text keeps an unknown type raw) [json.any].
A singular field present twice is not a loss: the last value wins (messages
merge), as in every protobuf runtime. A known field with a wire type its
type never uses, which the decoder would misread, fails even with
--allow-loss [wire.wire_type_mismatch].

binary and text hold one message; json writes one object, or an array for
several messages.

${FORMAT_RULES}

Exit codes: 0 converted, 1 the input cannot be decoded or converted, 2 usage or I/O error.

Examples:
  envoy-tap-tunnel convert --type Trace --from binary --to json --pretty trace.pb
  envoy-tap-tunnel convert trace_1.Trace.pb_length_delimited -o traces.ndjson
`;

/** `envoy-tap-tunnel schema --help`. */
export const SCHEMA_HELP = `Usage: envoy-tap-tunnel schema TYPE

Print the JSON Schema (draft 2020-12) of a message type, as generated from
the protos with Envoy's validation rules, for editors and other validators.
TYPE is a full name (envoy.data.tap.v2alpha.Trace) or a short name (Trace).

The schema states every rule JSON Schema can state exactly: required fields
and oneofs, lengths in code points, item counts, defined enum values, integer
bounds (on numbers and quoted integers) and duration bounds. Only
envoy-tap-tunnel validate enforces:
  - rules JSON Schema cannot state exactly (byte lengths other than "not
    empty", RE2 patterns, prefix/suffix/contains, in/not_in, const, unique
    items, timestamp bounds, rules with ignore_empty, outside-a-range
    bounds); the schema names each one in its field's description
  - what a schema cannot see in parsed JSON: duplicate keys, "__proto__"
    keys, integers beyond 2^53 written as numbers (read exactly), the
    message packed in an Any (the schema checks only "@type"), timestamp
    offsets that move the instant outside the years 1 to 9999
  - trace warnings (trace.*) and everything about binary and text input

Example:
  envoy-tap-tunnel schema StreamReverseTunnelsRequest > request.schema.json
`;

/** `envoy-tap-tunnel types --help`. */
export const TYPES_HELP = `Usage: envoy-tap-tunnel types [--json]

List every message type as "SHORT-NAME  FULL-NAME", the tap and reverse
tunnel types first. Either name works for --type and schema.

Options:
  --json      print [{ "shortName", "typeName", "primary" }] instead
  -h, --help  show this help
`;

/** `envoy-tap-tunnel tap --help`. */
export const TAP_HELP = `Usage: envoy-tap-tunnel tap pcap IN... -o OUT [--pcapng] [--mss N] [options]
       envoy-tap-tunnel tap summary IN... [--json] [options]
       envoy-tap-tunnel tap follow IN... [--connection ID] [--hex] [options]

Reads tap traces (v2alpha Trace or v3 TraceWrapper, told apart by content)
in any format Envoy writes: binary (one or concatenated messages),
delimited, text, JSON (bodies as bytes or strings), NDJSON and the admin
stream of JSON objects. Pieces of one connection are joined across files:
by connection id (v2alpha, or the id in <prefix>_<id>.<ext>) or trace id (v3).

  pcap      write a capture Wireshark opens: one TCP connection per traced
            connection (synthesized handshake, exact seq/ack, FIN at
            end_stream and close), Ethernet + IPv4/IPv6 from the addresses.
            Pipes and Envoy internal addresses become 198.18.0.1:10000
            (Envoy) and 198.19.H.L:40000+N (peer), with a warning. HTTP
            traces become HTTP/1.1 messages, marked as synthesized.
  summary   per connection: addresses, first/last timestamp, duration,
            events, bytes read and written, half-closes, truncation, findings
  follow    each event's bytes with direction markers, as text or --hex

Options:
  -o, --output OUT             the capture file (pcap)
  --pcapng                     write pcapng (nanoseconds, per-connection comments,
                               direction flags) instead of classic pcap (microseconds)
  --mss N                      largest TCP payload per segment, 1..65495 (default 1460)
  --json                       summary as JSON
  --connection ID              follow one connection (v2alpha:7, v3:12 or just 7)
  --hex                        follow as a hex dump
  -t, --type T                 read every input as v2alpha (Trace) or v3 (TraceWrapper)
  --connection-layout L        read v3 Connections as current (Envoy >= 1.28: 1 local,
                               2 remote) or pre-1.28 (2 local, 3 remote); by default
                               detected per connection (field 3 present = pre-1.28)
  -f, --format F               binary, delimited, json, ndjson or text (default:
                               from the extension, else from the content)

Findings print on stderr as FILE[@BYTE|:LINE:COL]: SEVERITY: MESSAGE [RULE].
Exit codes: 0 done, 1 an error finding (undecodable input, fragments that
disagree), 2 usage or I/O error.

Examples:
  envoy-tap-tunnel tap pcap trace_*.pb -o trace.pcap
  envoy-tap-tunnel tap summary --json tap_42.json
  envoy-tap-tunnel tap follow --connection 42 tap_42.pb_text
`;
