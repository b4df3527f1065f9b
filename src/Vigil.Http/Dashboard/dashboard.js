"use strict";
// The dashboard of one Vigil sentinel: its groups, live events (server-sent events) and failover phase pictures.
(function () {
  const token = new URLSearchParams(location.search).get("access_token");
  const withToken = (path) => token ? `${path}?access_token=${encodeURIComponent(token)}` : path;
  const $ = (id) => document.getElementById(id);
  let lastSeq = 0;
  let lastFailovers = "";

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }
  const ago = (ms) => ms < 0 ? "-" : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
  const clock = (unixMs) => new Date(unixMs).toISOString().substring(11, 23);

  function table(headers, rows) {
    const t = el("table", {}, el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", {}, h)))));
    const body = el("tbody");
    for (const r of rows) body.append(el("tr", {}, ...r.map((c) => el("td", {}, c))));
    t.append(body);
    return t;
  }

  function renderGroups(state) {
    const s = state.sentinel;
    $("sentinel-id").textContent = `sentinel ${s.myId.substring(0, 8)} · port ${state.port} · epoch ${s.currentEpoch} · v${state.version}${s.tilt ? " · TILT" : ""}`;
    const groups = $("groups");
    groups.replaceChildren();
    for (const m of s.masters) {
      const status = el("span", { class: `badge ${m.status}` }, m.status);
      const card = el("div", { class: "group", "data-master": m.name },
        el("h2", {}, `${m.name} `, status, " ", el("span", { class: "muted small" }, `quorum ${m.quorum} · config epoch ${m.configEpoch}${m.failoverState ? " · failover: " + m.failoverState : ""}`)));
      card.append(el("h3", {}, "Master"), table(["address", "flags", "offset", "PING rtt", "last ok PING"],
        [[el("span", { class: "master-address" }, `${m.host}:${m.port}`), m.flags, m.replOffset ?? "-", ago(m.roundTripMs), ago(m.lastOkPingAgeMs)]]));
      card.append(el("h3", {}, `Replicas (${m.replicas.length})`), table(["address", "flags", "offset", "lag (bytes)", "link to master", "PING rtt"],
        m.replicas.map((r) => [`${r.host}:${r.port}`, r.flags, r.replOffset, r.lagBytes ?? "-",
          el("span", { class: `badge ${r.masterLinkUp ? "ok" : "bad"}` }, r.masterLinkUp ? "up" : `down ${ago(r.masterLinkDownMs)}`), ago(r.roundTripMs)])));
      const me = [el("span", {}, `${s.myId.substring(0, 8)} (this one)`), "-", "-", "-", "-"];
      card.append(el("h3", {}, `Sentinels (${m.sentinels.length + 1})`), table(["id", "address", "flags", "admitted", "last hello"],
        [me, ...m.sentinels.map((p) => [p.runId.substring(0, 8), `${p.host}:${p.port}`, p.flags, p.admitted ? "yes" : "no", ago(p.lastHelloAgeMs)])]));
      card.querySelectorAll("h3 + table tbody").forEach((b) => b.setAttribute("class", "rows"));
      const sentinelsBody = card.querySelectorAll("table")[2].tBodies[0];
      sentinelsBody.setAttribute("class", "sentinel-rows");
      groups.append(card);
    }
  }

  function addEvent(e, fresh) {
    if (e.seq <= lastSeq) return;
    lastSeq = e.seq;
    const sign = e.type.startsWith("+") ? "plus" : "minus";
    const li = el("li", { "data-type": e.type, class: fresh ? "fresh" : "" },
      el("span", { class: "time" }, clock(e.unixMs)), el("span", { class: `type ${sign}` }, e.type), e.message);
    const list = $("timeline");
    list.prepend(li);
    while (list.children.length > 300) list.lastChild.remove();
  }

  // One picture per failover: the phases on a time axis from the master's +sdown.
  const PHASES = [["sdownMs", "sdown"], ["odownMs", "odown"], ["electedMs", "elected"], ["promotedMs", "promoted"], ["switchMasterMs", "switch-master"], ["endMs", "end"]];
  const SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function failoverPicture(f) {
    const points = PHASES.filter(([k]) => f[k] != null).map(([k, name]) => ({ name, t: f[k] })).sort((a, b) => a.t - b.t);
    const W = 900, left = 40, right = 40, axisY = 60;
    const picture = svg("svg", { viewBox: `0 0 ${W} 110`, role: "img", class: "phase-picture", "data-phases": points.map((p) => p.name).join(" ") });
    picture.append(svg("title", {}, `Failover of ${f.masterName}: ${points.map((p) => p.name).join(" → ")}`));
    if (points.length === 0) return picture;
    const t0 = points[0].t, span = Math.max(1, points[points.length - 1].t - t0);
    const x = (t) => left + (W - left - right) * (t - t0) / span;
    const colors = ["#c77700", "#c62828", "#6a1b9a", "#1565c0", "#1f8a4c", "#455a64"];
    for (let i = 0; i + 1 < points.length; i++) {
      picture.append(svg("rect", { x: x(points[i].t), y: axisY - 8, width: Math.max(1, x(points[i + 1].t) - x(points[i].t)), height: 16, fill: colors[i % colors.length], opacity: 0.35, class: "phase-bar" }));
    }
    picture.append(svg("line", { x1: left, y1: axisY, x2: W - right, y2: axisY, stroke: "#1d2330", "stroke-width": 1 }));
    points.forEach((p, i) => {
      const px = x(p.t), up = i % 2 === 0;
      picture.append(svg("circle", { cx: px, cy: axisY, r: 5, fill: colors[i % colors.length], class: "phase-mark", "data-phase": p.name }));
      picture.append(svg("text", { x: px, y: up ? axisY - 16 : axisY + 26, "text-anchor": "middle", class: "phase-label" }, p.name));
      picture.append(svg("text", { x: px, y: up ? axisY - 30 : axisY + 40, "text-anchor": "middle", class: "phase-time" }, `+${((p.t - t0) / 1000).toFixed(3)} s`));
    });
    return picture;
  }
  function renderFailovers(failovers) {
    const key = JSON.stringify(failovers);
    if (key === lastFailovers) return;
    lastFailovers = key;
    const box = $("failovers");
    if (failovers.length === 0) return;
    box.replaceChildren();
    for (const f of failovers) {
      const outcome = f.outcome ?? "in progress";
      box.append(el("div", { class: "failover", "data-master": f.masterName, "data-outcome": outcome },
        el("div", {}, el("strong", {}, f.masterName), ` · ${clock(f.sdownMs ?? f.odownMs ?? 0)} · `,
          el("span", { class: `badge ${f.outcome ? "ok" : "warn"}` }, outcome), f.newMaster ? ` · new master ${f.newMaster}` : ""),
        failoverPicture(f)));
    }
  }

  async function refresh() {
    try {
      const response = await fetch(withToken("api/state"), { cache: "no-store" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const state = await response.json();
      renderGroups(state);
      renderFailovers(state.failovers);
      for (const e of state.events) addEvent(e, false);
    } catch (err) {
      $("connection").textContent = `state: ${err.message}`;
      $("connection").className = "badge bad";
    }
  }

  function listen() {
    const source = new EventSource(withToken("api/events"));
    source.addEventListener("open", () => { $("connection").textContent = "live"; $("connection").className = "badge ok"; });
    source.addEventListener("error", () => { $("connection").textContent = "reconnecting…"; $("connection").className = "badge warn"; });
    source.addEventListener("sentinel", (message) => {
      addEvent(JSON.parse(message.data), true);
      refreshSoon();
    });
  }
  let pending = null;
  function refreshSoon() {
    if (pending) return;
    pending = setTimeout(() => { pending = null; refresh(); }, 200);
  }

  refresh().then(listen);
  setInterval(refresh, 2000);
})();
