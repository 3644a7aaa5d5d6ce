import type { HttpBufferedTrace, HttpStreamedTraceSegment } from "../../gen/envoy/data/tap/v3/http_pb.js";
import { TapRule, TraceRule } from "../fault/rule-ids.js";
import { readConnection } from "./connection-layout.js";
import { formatEndpoint } from "./endpoint.js";
import type { ConnectionLayout, Endpoint, TapConnection, TapEvent, TraceApi, TraceFinding, TraceItem } from "./model.js";
import { synthesizeHttp } from "./http-synthesis.js";

/** One connection put back together from every fragment and segment that named it. */
export interface ReassembledConnection {
  /** `v2alpha:<connection id>`, `v3:<trace id>`, or `file:<source>#<n>` for a fragment that names no connection. */
  readonly key: string;
  readonly api: TraceApi;
  readonly connection: TapConnection;
  /** The v3 Connection layout it was read with, when it had a v3 Connection. */
  readonly layout: ConnectionLayout | undefined;
  /** The inputs it came from, in the order first seen. */
  readonly sources: readonly string[];
  /** Its events in order: by `seq_num` when every event has one, else by timestamp (stable). */
  readonly events: readonly TapEvent[];
  /** Whether the events were made up from an HTTP trace rather than recorded socket bytes. */
  readonly synthesized: boolean;
  readonly readTruncated: boolean;
  readonly writeTruncated: boolean;
  /** What reassembly found wrong with this connection (reading findings about it included). */
  readonly findings: readonly TraceFinding[];
}

/** What {@link reassemble} returns: connections ordered by their first event, and findings about no single connection. */
export interface Reassembly {
  readonly connections: readonly ReassembledConnection[];
  readonly findings: readonly TraceFinding[];
}

/** What reassembly gathers about one connection while reading. */
export interface Group {
  key: string;
  api: TraceApi;
  connection: { id?: bigint; local?: Endpoint; remote?: Endpoint };
  hasConnection: boolean;
  layout: ConnectionLayout | undefined;
  sources: string[];
  events: TapEvent[];
  http: (HttpBufferedTrace | HttpStreamedTraceSegment)[];
  readTruncated: boolean;
  writeTruncated: boolean;
  findings: TraceFinding[];
}

/**
 * Groups trace items by connection (v2alpha: connection id, or the id in a
 * `<prefix>_<id>.<ext>` file name; v3: trace id), across inputs and formats;
 * merges what the pieces say about the connection (a disagreement is an
 * error finding, and the first value stays); orders events; and reports
 * what it can see is wrong: events before the connection, a fragment with
 * no connection, truncated bodies and traces, writes after `end_stream`,
 * gaps and duplicates in `seq_num`, events out of timestamp order.
 */
export async function reassemble(items: Iterable<TraceItem> | AsyncIterable<TraceItem>): Promise<Reassembly> {
  const collected: TraceItem[] = [];
  const fragmentKey = new Map<string, string>();
  for await (const item of items) {
    collected.push(item);
    if (item.kind === "connection" && item.api === "v2alpha") fragmentKey.set(`${item.source}#${item.fragment}`, item.trace);
  }
  const groups = new Map<string, Group>();
  const loose: TraceFinding[] = [];
  for (const item of collected) {
    const filed = fileItem(groups, loose, fragmentKey, item);
    if (filed !== undefined && item.kind === "event") filed.group.events.push(item.event);
  }
  const connections = [...groups.values()].filter((g) => g.events.length > 0 || g.http.length > 0 || g.hasConnection).map(finish);
  connections.sort((a, b) => compareTime(a.events[0]?.timestamp, b.events[0]?.timestamp));
  const orphanFindings = [...groups.values()].filter((g) => g.events.length === 0 && g.http.length === 0 && !g.hasConnection).flatMap((g) => g.findings);
  return { connections, findings: [...loose, ...orphanFindings] };
}

/**
 * Files `item` under its connection's group, as `reassemble` and the
 * export's plan pass both do: a finding joins its trace's group (or `loose`),
 * a connection merges its properties, a truncation marks the group, an HTTP
 * message is kept. Returns the key and group of every item but a finding, so
 * the caller can keep or count an event its own way.
 */
export function fileItem(groups: Map<string, Group>, loose: TraceFinding[], fragmentKey: Map<string, string>, item: TraceItem): { key: string; group: Group } | undefined {
  if (item.kind === "finding") {
    const trace = item.finding.trace;
    if (trace !== undefined) groupOf(groups, resolveKey(fragmentKey, item, trace), "v3").findings.push(item.finding);
    else loose.push(item.finding);
    return undefined;
  }
  const key = resolveKey(fragmentKey, item, item.trace);
  const group = groupOf(groups, key, item.api);
  if (!group.sources.includes(item.source)) group.sources.push(item.source);
  if (item.kind === "connection") {
    mergeConnection(group, item.connection, item.source);
    if (item.layout !== undefined) group.layout ??= item.layout;
  } else if (item.kind === "truncation") {
    group.readTruncated ||= item.readTruncated;
    group.writeTruncated ||= item.writeTruncated;
  } else if (item.kind === "http") {
    group.http.push(item.message);
  }
  return { key, group };
}

/** The connection key of an item: a v2alpha fragment's events and findings join the connection that fragment names. */
export function resolveKey(fragmentKey: Map<string, string>, item: TraceItem, trace: string): string {
  return trace.startsWith("file:") || item.kind === "event" || item.kind === "finding" ? (fragmentKey.get(`${item.source}#${item.fragment}`) ?? trace) : trace;
}

/** The group of `key`, made when first seen. */
function groupOf(groups: Map<string, Group>, key: string, api: TraceApi): Group {
  let group = groups.get(key);
  if (group === undefined) {
    group = { key, api: key.startsWith("v3:") ? "v3" : api, connection: {}, hasConnection: false, layout: undefined, sources: [], events: [], http: [], readTruncated: false, writeTruncated: false, findings: [] };
    groups.set(key, group);
  }
  return group;
}

/** Merges what one piece says about the connection; a disagreement is an error finding, and the first value stays. */
function mergeConnection(group: Group, connection: TapConnection, source: string): void {
  group.hasConnection = true;
  for (const member of ["id", "local", "remote"] as const) {
    const incoming = connection[member];
    if (incoming === undefined) continue;
    const existing = group.connection[member];
    if (existing === undefined) {
      (group.connection as Record<string, unknown>)[member] = incoming;
    } else if (describe(existing) !== describe(incoming)) {
      group.findings.push({
        ruleId: TapRule.connectionConflict,
        severity: "error",
        message: `connection ${group.key}: ${member} is ${describe(existing)} in one fragment and ${describe(incoming)} in ${source}; kept the first`,
        source,
        trace: group.key,
      });
    }
  }
}

function describe(value: bigint | Endpoint): string {
  return typeof value === "bigint" ? String(value) : formatEndpoint(value);
}

function finish(group: Group): ReassembledConnection {
  const findings = [...group.findings];
  const report = (ruleId: string, severity: "error" | "warning", message: string) => findings.push({ ruleId, severity, message, trace: group.key, ...(group.sources[0] !== undefined ? { source: group.sources[0] } : {}) });
  const label = group.key;
  let events = group.events;
  const synthesized = group.http.length > 0;
  if (synthesized) {
    events = [...events, ...synthesizeHttp(group.http, 0n)];
    const downstream = group.http.find((m) => m.$typeName === "envoy.data.tap.v3.HttpBufferedTrace")?.downstreamConnection;
    if (downstream !== undefined && !group.hasConnection) mergeConnection(group, readConnection(downstream).connection, group.sources[0] ?? "");
  }
  if (!group.hasConnection && events.length > 0) report(TapRule.noConnection, "warning", `${label} has ${events.length} events and no connection; placeholder addresses are used`);
  events = orderEvents(events, label, report);
  const tally = newTally();
  for (const event of events) countEvent(tally, event, 0);
  reportTally(group, tally, synthesized, report);
  return {
    key: group.key,
    api: group.api,
    connection: group.connection,
    layout: group.layout,
    sources: group.sources,
    events,
    synthesized,
    readTruncated: group.readTruncated,
    writeTruncated: group.writeTruncated,
    findings,
  };
}

/** Orders by seq_num when every event has one (reporting duplicates), else by timestamp, stably (reporting events out of order). */
function orderEvents(events: TapEvent[], label: string, report: (ruleId: string, severity: "error" | "warning", message: string) => void): TapEvent[] {
  if (events.length > 0 && events.every((e) => e.seqNum !== undefined)) {
    const sorted = events.map((event, index) => ({ event, index })).sort((a, b) => (a.event.seqNum! < b.event.seqNum! ? -1 : a.event.seqNum! > b.event.seqNum! ? 1 : a.index - b.index));
    const kept: TapEvent[] = [];
    for (const { event } of sorted) {
      const previous = kept[kept.length - 1];
      if (previous !== undefined && previous.seqNum === event.seqNum) {
        const same = previous.type === event.type && sameBytes(previous.data, event.data);
        report(TapRule.seqDuplicate, same ? "warning" : "error", `${label}: seq_num ${event.seqNum} appears twice${same ? " with the same content; kept once" : " with different content; kept the first"}`);
        continue;
      }
      kept.push(event);
    }
    return kept;
  }
  // Events without a timestamp take the time of the event before them.
  let last: bigint | undefined;
  const keyed = events.map((event, index) => {
    if (event.timestamp !== undefined) last = event.timestamp;
    return { event, index, time: event.timestamp ?? last };
  });
  let outOfOrder = 0;
  for (let i = 1; i < keyed.length; i++) if (compareTime(keyed[i]!.time, keyed[i - 1]!.time) < 0) outOfOrder++;
  if (outOfOrder > 0) report(TraceRule.timestampOrder, "warning", `${label}: ${outOfOrder} events are earlier than the event before them; ordered by timestamp`);
  keyed.sort((a, b) => compareTime(a.time, b.time) || a.index - b.index);
  return keyed.map((k) => k.event);
}

/** Counts over a connection's events in order, in constant memory: what {@link reportTally} reports, and whether the order needs sorting. */
export interface EventTally {
  events: number;
  firstEvent: bigint | undefined;
  firstTime: bigint | undefined;
  lastKey: bigint | undefined;
  outOfTimeOrder: boolean;
  allSeq: boolean;
  firstSeq: bigint | undefined;
  lastSeq: bigint | undefined;
  outOfSeqOrder: boolean;
  seqGaps: string[];
  endedAt: number;
  afterEnd: string[];
  truncatedBodies: number;
  untimed: number;
  lastWrite: number;
  /** Per input number: the earliest time one of its events may have (null: an event with no time yet). */
  sourceFirst: Map<number, bigint | null>;
}

/** An empty {@link EventTally}. */
export function newTally(): EventTally {
  return { events: 0, firstEvent: undefined, firstTime: undefined, lastKey: undefined, outOfTimeOrder: false, allSeq: true, firstSeq: undefined, lastSeq: undefined, outOfSeqOrder: false, seqGaps: [], endedAt: -1, afterEnd: [], truncatedBodies: 0, untimed: 0, lastWrite: -1, sourceFirst: new Map() };
}

/** Counts the next event of a connection, read from input number `source`. */
export function countEvent(tally: EventTally, event: TapEvent, source: number): void {
  const i = tally.events++;
  const time = event.timestamp;
  if (i === 0) tally.firstEvent = time;
  if (time === undefined) tally.untimed++;
  else tally.firstTime ??= time;
  // An event without a timestamp takes the time of the one before it.
  const key = time ?? tally.lastKey;
  if (compareTime(key, tally.lastKey) < 0) tally.outOfTimeOrder = true;
  tally.lastKey = key;
  if (!tally.sourceFirst.has(source)) tally.sourceFirst.set(source, key ?? null);
  const seq = event.seqNum;
  if (seq === undefined) tally.allSeq = false;
  else if (tally.allSeq) {
    const previous = tally.lastSeq;
    if (previous !== undefined && seq <= previous) tally.outOfSeqOrder = true;
    else if (previous !== undefined && seq > previous + 1n) tally.seqGaps.push(`seq_num jumps from ${previous} to ${seq}; ${seq - previous - 1n} events are missing`);
    tally.firstSeq ??= seq;
    tally.lastSeq = seq;
  }
  if (event.truncated) tally.truncatedBodies++;
  if (event.type === "write") {
    if (tally.endedAt >= 0) {
      tally.afterEnd.push(`event ${i} writes after event ${tally.endedAt} ended the stream (end_stream: true)`);
      tally.endedAt = -1;
    }
    if (event.endStream) tally.endedAt = i;
    tally.lastWrite = i;
  }
}

/** Reports what a tally of ordered events shows: seq_num gaps, writes after end_stream, truncation, missing timestamps. */
export function reportTally(group: Group, tally: EventTally, synthesized: boolean, report: (ruleId: string, severity: "error" | "warning", message: string) => void): void {
  const label = group.key;
  if (tally.allSeq && tally.events > 0) {
    for (const message of tally.seqGaps) report(TapRule.seqGap, "warning", `${label}: ${message}`);
    if (tally.firstSeq! > 1n) report(TapRule.seqGap, "warning", `${label}: seq_num starts at ${tally.firstSeq}, not 1`);
  }
  for (const message of tally.afterEnd) report(TraceRule.writeAfterEndStream, "warning", `${label}: ${message}`);
  if (tally.truncatedBodies > 0) report(TapRule.truncated, "warning", `${label}: ${tally.truncatedBodies} event bodies were cut at the tap's limit (Body.truncated)`);
  if (group.readTruncated || group.writeTruncated) {
    const which = [group.readTruncated ? "reads" : "", group.writeTruncated ? "writes" : ""].filter(Boolean).join(" and ");
    report(TapRule.truncated, "warning", `${label}: ${which} past the tap's limit were dropped (${group.readTruncated ? "read_truncated" : "write_truncated"})`);
  }
  if (tally.untimed > 0 && !synthesized) report(TapRule.missingTimestamp, "warning", `${label}: ${tally.untimed} events have no timestamp; they keep their place after the event before them`);
}

/** Orders timestamps, an absent one first. */
export function compareTime(a: bigint | undefined, b: bigint | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
