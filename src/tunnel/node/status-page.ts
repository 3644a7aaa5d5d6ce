/**
 * The status page served at `GET /` of the HTTP port: one self-contained
 * HTML document (inline style and script, no build step, nothing fetched from
 * elsewhere). It reads the `snapshot` events of `/events` (the registry in
 * pages) and applies every later event to its copy of the registry, so rows
 * appear and disappear as reporters report. It shows one page of rows
 * (`pageRows`), the first by default, with links to the previous and next
 * pages (`#page=N`). The search box keeps the tunnels whose initiator node id
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
  nav#pager { display: flex; gap: 1rem; margin: 0 0 1rem; }
</style>
</head>
<body>
<h1>Reverse tunnels</h1>
<header>
  <input id="search" type="search" placeholder="initiator node id or tenant" aria-label="Search by initiator node id or tenant" autocomplete="off">
  <span id="summary">loading…</span>
  <span id="connection">connecting</span>
</header>
<nav id="pager"><span id="page-label"></span><a id="previous-page" hidden>previous page</a><a id="next-page" hidden>next page</a></nav>
<main id="nodes"></main>
<script>
"use strict";
(() => {
  // A large fleet would make a page of a million rows: the rows are shown a page at a time.
  const pageRows = 250;
  /** node key -> { id, cluster, state, graceUntil, lastReportAt, tunnels: Map(name -> tunnel) } */
  const nodes = new Map();
  const keyOf = (node) => node.cluster + "/" + node.id;
  const search = document.getElementById("search");
  const summary = document.getElementById("summary");
  const connection = document.getElementById("connection");
  const container = document.getElementById("nodes");
  const pageLabel = document.getElementById("page-label");
  const previousPage = document.getElementById("previous-page");
  const nextPage = document.getElementById("next-page");

  /** The page asked for in the address (#page=N, from 1), as an index from 0. */
  function requestedPage() {
    const match = /^#page=([0-9]{1,6})$/.exec(location.hash);
    return match === null ? 0 : Math.max(0, Number(match[1]) - 1);
  }

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
      // The snapshot comes in parts; the first starts a fresh copy.
      if (data.part === 0) nodes.clear();
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
    let tunnelTotal = 0;
    let shownTunnels = 0;
    const shown = [];
    for (const entry of sorted) {
      tunnelTotal += entry.tunnels.size;
      const tunnels = [...entry.tunnels.values()].filter((t) => matches(t, needle)).sort((a, b) => a.name.localeCompare(b.name));
      if (needle !== "" && tunnels.length === 0) continue;
      shown.push({ entry, tunnels, first: shownTunnels });
      shownTunnels += tunnels.length;
    }
    const pages = Math.max(1, Math.ceil(shownTunnels / pageRows));
    const page = Math.min(requestedPage(), pages - 1);
    const start = page * pageRows;
    const end = start + pageRows;
    const fragment = document.createDocumentFragment();
    for (const { entry, tunnels, first } of shown) {
      const rows = tunnels.slice(Math.max(0, start - first), Math.max(0, end - first));
      // A node without rows to show sits on the page where its place falls.
      if (rows.length === 0 && !(tunnels.length === 0 && first >= start && (first < end || page === pages - 1))) continue;
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
      if (rows.length > 0) {
        const table = document.createElement("table");
        const head = table.createTHead().insertRow();
        for (const label of ["name", "initiator node", "tenant", "initiator cluster", "created at"]) {
          const th = document.createElement("th");
          th.textContent = label;
          head.appendChild(th);
        }
        const body = table.createTBody();
        for (const tunnel of rows) {
          const row = body.insertRow();
          row.dataset.tunnel = tunnel.name;
          cell(row, tunnel.name);
          cell(row, tunnel.identity.nodeId);
          cell(row, tunnel.identity.tenantId);
          cell(row, tunnel.identity.clusterId);
          cell(row, tunnel.createdAt);
        }
        section.appendChild(table);
      }
      fragment.appendChild(section);
    }
    container.replaceChildren(fragment);
    pageLabel.textContent = "page " + (page + 1) + " of " + pages;
    previousPage.hidden = page === 0;
    previousPage.href = "#page=" + page;
    nextPage.hidden = page === pages - 1;
    nextPage.href = "#page=" + (page + 2);
    summary.textContent = needle === ""
      ? nodes.size + (nodes.size === 1 ? " reporting node, " : " reporting nodes, ") + tunnelTotal + (tunnelTotal === 1 ? " tunnel" : " tunnels")
      : shownTunnels + " of " + tunnelTotal + " tunnels on " + shown.length + " of " + nodes.size + " nodes match";
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
  source.addEventListener("snapshot", (message) => {
    if (!JSON.parse(message.data).last) return;
    connection.textContent = "live";
    connection.className = "live";
  });
  source.onerror = () => {
    connection.textContent = "reconnecting";
    connection.className = "down";
  };
  search.addEventListener("input", render);
  window.addEventListener("hashchange", render);
})();
</script>
</body>
</html>
`;
