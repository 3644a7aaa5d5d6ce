import { TapRule } from "../../fault/rule-ids.js";
import { formatEndpoint } from "../endpoint.js";
import type { TapConnection, TapEvent, TraceFinding, TraceItem } from "../model.js";
import { readTraces, type ChunkReading, type ReadTracesOptions, type TraceSource } from "../read-traces.js";
import { compareTime, countEvent, fileItem, newTally, reassemble, reportTally, resolveKey, type EventTally, type Group, type ReassembledConnection } from "../reassemble.js";

/** An input of a capture export: read twice (once to plan, once to write), so it can be opened again. */
export interface CaptureSource {
  /** A file path or a name for a stream; `<prefix>_<id>.<ext>` names give v2alpha fragments their connection id. */
  readonly name: string;
  /** The input's bytes in chunks, from the start, each time it is called; `reading` says when chunks may share memory (see {@link TraceSource.reading}). */
  open(reading?: ChunkReading): AsyncIterable<Uint8Array>;
}

/** One connection of a capture, as the first pass saw it. */
export interface PlannedConnection {
  readonly key: string;
  readonly connection: TapConnection;
  readonly findings: readonly TraceFinding[];
  /** The pcapng comment of its first packet. */
  readonly comment: string;
  /** Its first event's timestamp (connections are ordered by it, as `reassemble` orders them). */
  readonly firstEvent: bigint | undefined;
  /** The first event timestamp there is, else 0: the flow's clock starts there. */
  readonly start: bigint;
  readonly eventCount: number;
  /** The number of its last write, or -1. */
  readonly lastWrite: number;
  /**
   * Its events in order, when they are held in memory: a connection made
   * from an HTTP trace, or one whose events come out of order (by
   * timestamp, or by `seq_num` when every event has one), which is ordered
   * whole as `reassemble` does. Undefined: its events stream from the inputs.
   */
  readonly events: readonly TapEvent[] | undefined;
}

/** What the first pass of an export learns. */
export interface CapturePlan {
  /** Ordered by first event, as `reassemble` orders connections. */
  readonly connections: readonly PlannedConnection[];
  /** Findings about no single connection. */
  readonly findings: readonly TraceFinding[];
  /** Which connection each v2alpha fragment (`<source>#<fragment>`) names, to resolve its events. */
  readonly fragmentKey: ReadonlyMap<string, string>;
  /** Per source: the earliest time its streamed events can start at (undefined: no streamed events, or no time). */
  readonly sourceStarts: readonly (bigint | null | undefined)[];
}

/**
 * The first pass of an export: reads every input once, keeping per
 * connection only what it is (addresses, sources, findings) and counts
 * over its events, never the events' bytes; connections that must be
 * ordered whole are read again, alone, through `reassemble`.
 */
export async function planCapture(sources: readonly CaptureSource[], options: ReadTracesOptions): Promise<CapturePlan> {
  const groups = new Map<string, Group>();
  const tallies = new Map<string, EventTally>();
  const loose: TraceFinding[] = [];
  const fragmentKey = new Map<string, string>();
  const eventKeyOf = new Map<string, string>();
  const held = new Set<string>();
  const sourceIndex = new Map(sources.map((s, i) => [s.name, i]));
  // Transient: no event is kept past its count.
  for await (const item of readTraces(sources.map(traceSource), { ...options, transient: true })) {
    const fragment = `${item.source}#${item.fragment}`;
    if (item.kind === "connection" && item.api === "v2alpha") {
      const before = eventKeyOf.get(fragment);
      // Events of this fragment already counted under another key: order them whole.
      if (before !== undefined && before !== item.trace) held.add(before).add(item.trace);
      fragmentKey.set(fragment, item.trace);
    }
    const filed = fileItem(groups, loose, fragmentKey, item);
    if (filed === undefined) continue;
    if (item.kind === "event") {
      if (item.api === "v2alpha") eventKeyOf.set(fragment, filed.key);
      countEvent(tallyOf(tallies, filed.key), item.event, sourceIndex.get(item.source)!);
    } else if (item.kind === "http") {
      // HTTP messages become a synthesized exchange, ordered whole.
      held.add(filed.key);
    }
  }
  for (const [key, tally] of tallies) if (tally.outOfTimeOrder || (tally.allSeq && tally.outOfSeqOrder)) held.add(key);

  const wholes: Map<string, ReassembledConnection> = held.size === 0 ? new Map() : await orderWhole(sources, options, fragmentKey, held);
  const connections: (PlannedConnection & { order: number })[] = [];
  const sourceStarts: (bigint | null | undefined)[] = sources.map(() => undefined);
  let order = 0;
  for (const group of groups.values()) {
    const tally = tallies.get(group.key);
    if (tally === undefined && group.http.length === 0 && !group.hasConnection) {
      loose.push(...group.findings);
      continue;
    }
    if (held.has(group.key)) {
      const whole = wholes.get(group.key);
      if (whole === undefined) continue;
      const events = whole.events;
      const tally = newTally();
      for (const event of events) countEvent(tally, event, 0);
      connections.push({ key: whole.key, connection: whole.connection, findings: whole.findings, comment: comment(whole), firstEvent: events[0]?.timestamp, start: tally.firstTime ?? 0n, eventCount: events.length, lastWrite: tally.lastWrite, events, order: order++ });
      continue;
    }
    const findings = tallyFindings(group, tally);
    const connection = { key: group.key, connection: group.connection, layout: group.layout, sources: group.sources, synthesized: false, findings };
    connections.push({ key: group.key, connection: group.connection, findings, comment: comment(connection), firstEvent: tally?.firstEvent, start: tally?.firstTime ?? 0n, eventCount: tally?.events ?? 0, lastWrite: tally?.lastWrite ?? -1, events: undefined, order: order++ });
    for (const [source, time] of tally?.sourceFirst ?? []) {
      const known = sourceStarts[source];
      sourceStarts[source] = known === undefined ? time : known === null || time === null ? null : time < known ? time : known;
    }
  }
  connections.sort((a, b) => compareTime(a.firstEvent, b.firstEvent) || a.order - b.order);
  return { connections, findings: loose, fragmentKey, sourceStarts };
}

function tallyOf(tallies: Map<string, EventTally>, key: string): EventTally {
  let tally = tallies.get(key);
  if (tally === undefined) tallies.set(key, (tally = newTally()));
  return tally;
}

/** The findings `reassemble` gives a connection whose events are in order. */
function tallyFindings(group: Group, tally: EventTally | undefined): TraceFinding[] {
  const findings = [...group.findings];
  const report = (ruleId: string, severity: "error" | "warning", message: string) => findings.push({ ruleId, severity, message, trace: group.key, ...(group.sources[0] !== undefined ? { source: group.sources[0] } : {}) });
  if (tally === undefined) return findings;
  if (!group.hasConnection) report(TapRule.noConnection, "warning", `${group.key} has ${tally.events} events and no connection; placeholder addresses are used`);
  reportTally(group, tally, false, report);
  return findings;
}

/** Reads the inputs again for the `held` connections alone and orders them whole with `reassemble`. */
async function orderWhole(sources: readonly CaptureSource[], options: ReadTracesOptions, fragmentKey: ReadonlyMap<string, string>, held: ReadonlySet<string>) {
  const map = fragmentKey as Map<string, string>;
  async function* only(): AsyncGenerator<TraceItem> {
    for await (const item of readTraces(sources.map(traceSource), options)) {
      if (item.kind !== "event" || held.has(resolveKey(map, item, item.trace))) yield item;
    }
  }
  const { connections } = await reassemble(only());
  return new Map(connections.filter((c) => held.has(c.key)).map((c) => [c.key, c]));
}

/** The pcapng comment of a connection: its key and id, addresses, trace files, layout, whether it was synthesized, and its findings. */
export function comment(connection: { key: string; connection: TapConnection; sources: readonly string[]; layout: string | undefined; synthesized: boolean; findings: readonly TraceFinding[] }): string {
  const { local, remote, id } = connection.connection;
  const lines = [
    `connection ${connection.key}${id !== undefined ? ` (id ${id})` : ""}: ${formatEndpoint(remote)} -> ${formatEndpoint(local)} (Envoy)`,
    `trace files: ${connection.sources.join(", ")}`,
  ];
  if (connection.layout !== undefined) lines.push(`v3 Connection layout: ${connection.layout}`);
  if (connection.synthesized) lines.push("synthesized: HTTP/1.1 messages made from an HTTP trace (headers and bodies), not recorded socket bytes");
  for (const finding of connection.findings) lines.push(`${finding.severity}: ${finding.message} [${finding.ruleId}]`);
  return lines.join("\n");
}

/** A capture input as {@link readTraces} reads it, once: opened with a {@link ChunkReading} the reader sets. */
export function traceSource(source: CaptureSource): TraceSource {
  const reading = { inPlace: false };
  return { name: source.name, chunks: source.open(reading), reading };
}
