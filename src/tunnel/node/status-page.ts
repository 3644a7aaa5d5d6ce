/**
 * The status page served at `GET /` of the HTTP port: one self-contained
 * HTML document (inline style and script, no build step, nothing fetched from
 * elsewhere). It reads the `snapshot` event of `/events` and applies every
 * later event to its copy of the registry, so rows appear and disappear as
 * reporters report. The search box keeps the tunnels whose initiator node id
 * or tenant contains the text typed (ignoring case), and the nodes holding one.
 *
 * Every value from the registry goes into the page through `textContent`,
 * never as markup: tunnel names come from the network.
 */
export const statusPageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>envoy-tap-tunnel: reverse tunnels</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d232a; background: #fafbfc; }
  h1 { font-size: 1.3rem; margin: 0 0 .75rem; }
  header { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; margin-bottom: 1rem; }
  input[type=search] { font: inherit; padding: .35rem .5rem; width: 22rem; max-width: 100%; }
  #connection { padding: .1rem .5rem; border-radius: 1rem; background: #ddd; }
  #connection.live { background: #c8f0d0; }
  #connection.down { background: #f6d0d0; }
  section.node { background: #fff; border: 1px solid #d8dde3; border-radius: 6px; margin: 0 0 1rem; padding: .6rem .8rem; }
  section.node h2 { font-size: 1rem; margin: 0 0 .4rem; display: flex; gap: .75rem; flex-wrap: wrap; }
  .state-grace { color: #9a5b00; }
  .muted { color: #66707a; font-weight: normal; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .2rem .5rem; border-top: 1px solid #eef0f2; font-variant-numeric: tabular-nums; }
  th { font-weight: 600; color: #46505a; }
</style>
</head>
<body>
<h1>Reverse tunnels</h1>
<header>
  <input id="search" type="search" placeholder="initiator node id or tenant" aria-label="Search by initiator node id or tenant" autocomplete="off">
  <span id="summary">loading…</span>
  <span id="connection">connecting</span>
</header>
<main id="nodes"></main>
<script>
"use strict";
(() => {
  // A large fleet would make a page of a million rows: past these, rows are counted, and the search narrows them.
  const maxRowsPerNode = 500;
  const maxRows = 5000;
  /** node key -> { id, cluster, state, graceUntil, lastReportAt, tunnels: Map(name -> tunnel) } */
  const nodes = new Map();
  const keyOf = (node) => node.cluster + "/" + node.id;
  const search = document.getElementById("search");
  const summary = document.getElementById("summary");
  const connection = document.getElementById("connection");
  const container = document.getElementById("nodes");

  function nodeEntry(node) {
    const key = keyOf(node);
    let entry = nodes.get(key);
    if (entry === undefined) {
      entry = { id: node.id, cluster: node.cluster, state: "connected", graceUntil: undefined, lastReportAt: undefined, tunnels: new Map() };
      nodes.set(key, entry);
    }
    return entry;
  }

  const handlers = {
    snapshot(data) {
      nodes.clear();
      for (const node of data.nodes) Object.assign(nodeEntry(node), { state: node.state, graceUntil: node.graceUntil, lastReportAt: node.lastReportAt });
      for (const tunnel of data.tunnels) nodeEntry(tunnel.reportingNode).tunnels.set(tunnel.name, tunnel);
    },
    "tunnel-added"(data) {
      const entry = nodeEntry(data.node);
      entry.tunnels.set(data.tunnel.name, data.tunnel);
      entry.lastReportAt = data.at;
    },
    "tunnel-removed"(data) {
      const entry = nodes.get(keyOf(data.node));
      if (entry === undefined) return;
      entry.tunnels.delete(data.tunnel.name);
      if (data.reason !== "expired") entry.lastReportAt = data.at;
    },
    "node-connected"(data) {
      Object.assign(nodeEntry(data.node), { state: "connected", graceUntil: undefined, lastReportAt: data.at });
    },
    "node-disconnected"(data) {
      Object.assign(nodeEntry(data.node), { state: "grace", graceUntil: data.graceUntil });
    },
    "node-expired"(data) {
      nodes.delete(keyOf(data.node));
    },
  };

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
  }

  function matches(tunnel, needle) {
    return needle === "" || tunnel.identity.nodeId.toLowerCase().includes(needle) || tunnel.identity.tenantId.toLowerCase().includes(needle);
  }

  function render() {
    const needle = search.value.trim().toLowerCase();
    const sorted = [...nodes.values()].sort((a, b) => a.cluster.localeCompare(b.cluster) || a.id.localeCompare(b.id));
    const fragment = document.createDocumentFragment();
    let tunnelTotal = 0;
    let shownNodes = 0;
    let shownTunnels = 0;
    let rowBudget = maxRows;
    for (const entry of sorted) {
      tunnelTotal += entry.tunnels.size;
      const tunnels = [...entry.tunnels.values()].filter((t) => matches(t, needle)).sort((a, b) => a.name.localeCompare(b.name));
      if (needle !== "" && tunnels.length === 0) continue;
      shownNodes++;
      shownTunnels += tunnels.length;
      const section = document.createElement("section");
      section.className = "node";
      section.dataset.node = keyOf(entry);
      const title = document.createElement("h2");
      const name = document.createElement("span");
      name.textContent = entry.id;
      const cluster = document.createElement("span");
      cluster.className = "muted";
      cluster.textContent = "cluster " + entry.cluster;
      const state = document.createElement("span");
      state.className = "state-" + entry.state;
      state.dataset.state = entry.state;
      state.textContent = entry.state === "grace" ? "disconnected, kept until " + entry.graceUntil : "connected";
      const count = document.createElement("span");
      count.className = "muted";
      count.textContent = entry.tunnels.size + (entry.tunnels.size === 1 ? " tunnel" : " tunnels") + (entry.lastReportAt ? ", last report " + entry.lastReportAt : "");
      title.append(name, cluster, state, count);
      section.appendChild(title);
      if (tunnels.length > 0) {
        const table = document.createElement("table");
        const head = table.createTHead().insertRow();
        for (const label of ["name", "initiator node", "tenant", "initiator cluster", "created at"]) {
          const th = document.createElement("th");
          th.textContent = label;
          head.appendChild(th);
        }
        const body = table.createTBody();
        const rowsHere = Math.min(tunnels.length, maxRowsPerNode, rowBudget);
        rowBudget -= rowsHere;
        for (const tunnel of tunnels.slice(0, rowsHere)) {
          const row = body.insertRow();
          row.dataset.tunnel = tunnel.name;
          cell(row, tunnel.name);
          cell(row, tunnel.identity.nodeId);
          cell(row, tunnel.identity.tenantId);
          cell(row, tunnel.identity.clusterId);
          cell(row, tunnel.createdAt);
        }
        section.appendChild(table);
        if (tunnels.length > rowsHere) {
          const more = document.createElement("p");
          more.className = "muted";
          more.textContent = (rowsHere === 0 ? "" : "and ") + (tunnels.length - rowsHere) + " more; search to narrow";
          section.appendChild(more);
        }
      }
      fragment.appendChild(section);
    }
    container.replaceChildren(fragment);
    summary.textContent = needle === ""
      ? nodes.size + (nodes.size === 1 ? " reporting node, " : " reporting nodes, ") + tunnelTotal + (tunnelTotal === 1 ? " tunnel" : " tunnels")
      : shownTunnels + " of " + tunnelTotal + " tunnels on " + shownNodes + " of " + nodes.size + " nodes match";
  }

  let scheduled = false;
  function scheduleRender() {
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      render();
    }, 200);
  }

  const source = new EventSource("/events");
  for (const [type, handler] of Object.entries(handlers)) {
    source.addEventListener(type, (message) => {
      handler(JSON.parse(message.data));
      scheduleRender();
    });
  }
  source.addEventListener("snapshot", () => {
    connection.textContent = "live";
    connection.className = "live";
  });
  source.onerror = () => {
    connection.textContent = "reconnecting";
    connection.className = "down";
  };
  search.addEventListener("input", render);
})();
</script>
</body>
</html>
`;
