import type { Format } from "../../codec/index.js";
import type { ConnectionLayout, TraceApi } from "../../tap/index.js";
import { MAX_MSS } from "../../tap/pcap/max-mss.js";
import { parseFormat, parseOptions, type ArgsResult } from "./parse-options.js";

/** Options every `tap` subcommand shares. */
interface TapInputOptions {
  /** Trace files, or `-` for standard input. */
  readonly inputs: readonly string[];
  readonly type: TraceApi | undefined;
  readonly connectionLayout: ConnectionLayout | undefined;
  readonly format: Format | undefined;
}

/** Options of `envoy-tap-tunnel tap pcap|summary|follow`. */
export type TapOptions =
  | (TapInputOptions & { readonly subcommand: "pcap"; readonly output: string; readonly pcapng: boolean; readonly mss: number })
  | (TapInputOptions & { readonly subcommand: "summary"; readonly json: boolean })
  | (TapInputOptions & { readonly subcommand: "follow"; readonly connection: string | undefined; readonly hex: boolean });

const TYPES: Readonly<Record<string, TraceApi>> = {
  v2alpha: "v2alpha",
  Trace: "v2alpha",
  "envoy.data.tap.v2alpha.Trace": "v2alpha",
  v3: "v3",
  TraceWrapper: "v3",
  "envoy.data.tap.v3.TraceWrapper": "v3",
};

/** Parses the arguments after `tap`. */
export function parseTapArgs(argv: readonly string[]): ArgsResult<TapOptions> {
  const [subcommand, ...rest] = argv;
  if (subcommand === "--help" || subcommand === "-h") return { ok: true, help: true };
  if (subcommand !== "pcap" && subcommand !== "summary" && subcommand !== "follow") {
    return { ok: false, error: subcommand === undefined ? "tap needs a subcommand: pcap, summary or follow; see envoy-tap-tunnel tap --help" : `unknown tap subcommand "${subcommand}"; the subcommands are pcap, summary, follow` };
  }
  const parsed = parseOptions(`tap ${subcommand}`, rest, {
    type: { type: "string", short: "t" },
    "connection-layout": { type: "string" },
    format: { type: "string", short: "f" },
    output: { type: "string", short: "o" },
    pcapng: { type: "boolean" },
    mss: { type: "string" },
    json: { type: "boolean" },
    connection: { type: "string" },
    hex: { type: "boolean" },
  }, true);
  if (!parsed.ok || parsed.help) return parsed;
  const values = parsed.args.values;
  const inputs = parsed.args.positionals;
  if (inputs.length === 0) return { ok: false, error: `tap ${subcommand} needs at least one trace file (or - for standard input)` };
  const only = (names: string[], sub: string) => names.find((name) => values[name] !== undefined && sub !== subcommand);
  const misplaced = only(["output", "pcapng", "mss"], "pcap") ?? only(["json"], "summary") ?? only(["connection", "hex"], "follow");
  if (misplaced !== undefined) return { ok: false, error: `--${misplaced} does not apply to tap ${subcommand}; see envoy-tap-tunnel tap --help` };
  const typeName = values["type"] as string | undefined;
  const type = typeName === undefined ? undefined : TYPES[typeName];
  if (typeName !== undefined && type === undefined) return { ok: false, error: `--type must be v2alpha (Trace) or v3 (TraceWrapper), not "${typeName}"` };
  const layout = values["connection-layout"] as string | undefined;
  if (layout !== undefined && layout !== "current" && layout !== "pre-1.28") return { ok: false, error: `--connection-layout must be current or pre-1.28, not "${layout}"` };
  let format: Format | undefined;
  if (values["format"] !== undefined) {
    const checked = parseFormat("--format", values["format"] as string);
    if (!checked.ok) return checked;
    format = checked.format;
  }
  const common: TapInputOptions = { inputs, type, connectionLayout: layout as ConnectionLayout | undefined, format };
  switch (subcommand) {
    case "pcap": {
      const output = values["output"] as string | undefined;
      if (output === undefined || output === "") return { ok: false, error: "tap pcap needs -o OUT, the capture file to write" };
      const mssText = (values["mss"] as string | undefined) ?? "1460";
      const mss = /^\d+$/.test(mssText) ? Number(mssText) : NaN;
      if (!(mss >= 1 && mss <= MAX_MSS)) return { ok: false, error: `--mss must be an integer from 1 to ${MAX_MSS}, not "${mssText}"` };
      return { ok: true, help: false, options: { ...common, subcommand, output, pcapng: values["pcapng"] === true, mss } };
    }
    case "summary":
      return { ok: true, help: false, options: { ...common, subcommand, json: values["json"] === true } };
    case "follow":
      return { ok: true, help: false, options: { ...common, subcommand, connection: values["connection"] as string | undefined, hex: values["hex"] === true } };
  }
}
