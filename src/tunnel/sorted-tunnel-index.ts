import type { NodeRecord, TunnelView } from "./tunnel-record.js";
import { compareCodePoints, type TunnelPage } from "./tunnel-pages.js";

/** One tunnel in the index: its cursor (index member), and where to find its record. */
interface Entry {
  readonly cursor: string;
  readonly key: string;
  readonly name: string;
}

const byCursor = (a: Entry, b: Entry) => compareCodePoints(a.cursor, b.cursor);

/**
 * The memory store's tunnels in page order (see `tunnelCursor`), built on the
 * first page asked for and then kept up to date lazily: a store change only
 * notes which (initiator, node, name) entries it touched (O(1) each), and the
 * next page folds them in with one merge (O(n), no re-sort, no re-encoding of
 * unchanged tunnels). A page without changes since the last one costs
 * O(log n + limit). Past `n / 2 + 1000` noted changes without a page, the
 * index is dropped instead, and rebuilt by the next page.
 */
export class SortedTunnelIndex {
  #entries: Entry[] | undefined;
  /** Cursors noted since the last page: entry → its node key and name. */
  readonly #touched = new Map<string, { key: string; name: string }>();

  /** Notes that the tunnel `name` of node `key` with this initiator appeared or went. */
  touched(initiator: string, key: string, name: string): void {
    if (this.#entries === undefined) return;
    this.#touched.set(JSON.stringify([initiator, key, name]), { key, name });
    if (this.#touched.size > this.#entries.length / 2 + 1000) {
      this.#entries = undefined;
      this.#touched.clear();
    }
  }

  /** Up to `limit` tunnels of `nodes` after `after`, from the index (built or brought up to date first). */
  page(nodes: ReadonlyMap<string, NodeRecord>, after: string | undefined, limit: number): TunnelPage {
    const entries = this.#current(nodes);
    let low = 0;
    let high = entries.length;
    if (after !== undefined) {
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (compareCodePoints(entries[middle]!.cursor, after) <= 0) low = middle + 1;
        else high = middle;
      }
    }
    const end = Math.min(low + limit, entries.length);
    const tunnels: TunnelView[] = [];
    for (let i = low; i < end; i++) {
      const { key, name } = entries[i]!;
      const record = nodes.get(key)!;
      tunnels.push({ ...record.tunnels.get(name)!, reportingNode: record.node });
    }
    return { tunnels, next: end < entries.length ? entries[end - 1]!.cursor : undefined };
  }

  #current(nodes: ReadonlyMap<string, NodeRecord>): Entry[] {
    if (this.#entries === undefined) {
      const entries: Entry[] = [];
      for (const [key, record] of nodes) {
        for (const [name, tunnel] of record.tunnels) entries.push({ cursor: JSON.stringify([tunnel.identity.nodeId, key, name]), key, name });
      }
      this.#entries = entries.sort(byCursor);
      return this.#entries;
    }
    if (this.#touched.size === 0) return this.#entries;
    // Drop every touched entry, then add back those whose tunnel is there now with that initiator.
    const added: Entry[] = [];
    for (const [cursor, { key, name }] of this.#touched) {
      const tunnel = nodes.get(key)?.tunnels.get(name);
      if (tunnel !== undefined && cursor === JSON.stringify([tunnel.identity.nodeId, key, name])) added.push({ cursor, key, name });
    }
    added.sort(byCursor);
    const merged: Entry[] = [];
    let a = 0;
    for (const entry of this.#entries) {
      if (this.#touched.has(entry.cursor)) continue;
      while (a < added.length && byCursor(added[a]!, entry) < 0) merged.push(added[a++]!);
      merged.push(entry);
    }
    while (a < added.length) merged.push(added[a++]!);
    this.#touched.clear();
    this.#entries = merged;
    return merged;
  }
}
