/* iadsim map playback: one front end for the offline report and the local web app.
 *
 * Input: window.IADSIM = {scene, events, ledger, api} where scene is scene.json, events the
 * event log rows (with positions), ledger the kill-chain rows; `api` (web app only) is the
 * base URL to fetch a unit's or aircraft's ledger from instead of filtering `ledger`.
 * Draws the Natural Earth coastline, the terrain hillshade, sites with MIL-STD-2525C symbols
 * (milsymbol) and their labels (co-located sites fanned out around a dot at their true
 * place), radar and missile coverage rings, links (up green, down red dashed), routes, and,
 * as the time slider moves, aircraft positions, launches, kills and strikes. A collapsed,
 * grouped layer control; a scale bar; a legend of the layers shown; clock times in the
 * scenario's local time and UTC; repeated events collapsed in the log.
 */
(function () {
  "use strict";
  const D = window.IADSIM;
  const S = D.scene;
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) =>
    ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  // --- clock: scenario seconds -> local and UTC clock times
  const T0 = Date.parse(S.start_utc);
  const OFFSET_H = Math.round(S.origin.lon_deg / 15);  // nautical time zone (report/clock.py)
  const hms = (ms) => new Date(ms).toISOString().slice(11, 19);
  const local = (t) => hms(T0 + t * 1000 + OFFSET_H * 3600e3);
  const utc = (t) => hms(T0 + t * 1000);
  const zone = `UTC${OFFSET_H < 0 ? "\u2212" : "+"}${Math.abs(OFFSET_H)}`;
  const fmtT = (t) => `${local(t)} (${utc(t)}Z)`;
  const fmtClock = (t) =>
    `T+${Math.floor(t / 60)}:${String(Math.floor(t % 60)).padStart(2, "0")} \u00b7 ${local(t)} local (${zone}) \u00b7 ${utc(t)} UTC`;

  const map = L.map("mapview", { zoomSnap: 0.25, attributionControl: true });
  map.attributionControl.setPrefix("");
  map.attributionControl.addAttribution("coast: Natural Earth (public domain); symbols: milsymbol");
  L.control.scale({ metric: true, imperial: false, maxWidth: 160 }).addTo(map);

  // --- the initial view fits the defence (every unit and site) and the raid where it meets
  // it: route points within the defence's box grown by its own size on every side
  const view = L.latLngBounds([]);
  for (const u of S.units) view.extend([u.lat_deg, u.lon_deg]);
  for (const s of S.sites || []) view.extend([s.lat_deg, s.lon_deg]);
  const b = S.focus || S.bounds;
  if (!view.isValid()) view.extend([[b[1], b[0]], [b[3], b[2]]]);
  const near = view.pad(1.0);
  for (const a of S.aircraft) for (const p of a.track) if (near.contains([p[1], p[2]])) view.extend([p[1], p[2]]);
  map.fitBounds(view.pad(0.05));

  // --- the layer groups shown in the control, and the legend entries of each layer
  const groups = [];  // [{name, items: [{name, layer | toggle, on}]}]
  const legendOf = new Map();  // layer -> [[swatch html, text], ...]
  const group = (name) => { const g = { name, items: [] }; groups.push(g); return g; };
  const add = (g, name, layer, on, legend) => {
    g.items.push({ name, layer, on });
    if (legend) legendOf.set(layer, legend);
    if (on) layer.addTo(map);
    return layer;
  };
  const line = (color, dash, w) => `<svg width="26" height="10"><line x1="1" y1="5" x2="25" y2="5" stroke="${color}" stroke-width="${w || 2}"${dash ? ` stroke-dasharray="${dash}"` : ""}/></svg>`;
  const dot = (stroke, fill, r) => `<svg width="26" height="18"><circle cx="13" cy="9" r="${r || 6}" stroke="${stroke}" stroke-width="2" fill="${fill || "none"}"/></svg>`;
  const box = (fill) => `<svg width="26" height="14"><rect x="3" y="1" width="20" height="12" fill="${fill}" stroke="#555" stroke-width="0.5"/></svg>`;

  // --- base: sea colour comes from the map div, land polygons, terrain hillshade
  map.createPane("land").style.zIndex = 300;
  map.createPane("terrain").style.zIndex = 350;
  L.geoJSON({ type: "Feature", geometry: { type: "MultiPolygon", coordinates: S.land } },
    { pane: "land", style: { color: "#6b6b5a", weight: 1, fillColor: "#e8e4d8", fillOpacity: 1 } }).addTo(map);
  const base = group("Ground");
  if (S.terrain) {
    const t = S.terrain.bounds;
    add(base, "Terrain (hillshade)", L.imageOverlay(S.terrain.png, [[t[1], t[0]], [t[3], t[2]]], { opacity: 0.8, pane: "terrain" }),
      true, [[box("#b8ad93"), `terrain hillshade (highest ${Math.round(S.terrain.max_elevation_m)} m)`]]);
  }
  if (S.coverage) {
    const C = S.coverage, cb = C.bounds, cbox = [[cb[1], cb[0]], [cb[3], cb[2]]];
    const tag = `Pd \u2265 ${C.pd_threshold} at ${C.altitude_agl_m} m above ground`;
    add(base, "Detected by any radar", L.imageOverlay(C.combined, cbox, { pane: "terrain" }), true,
      [[box("rgba(230,60,160,0.45)"), `detected by at least one radar (${tag})`]]);
    for (const r of C.radars) {
      add(base, `Detected by ${r.name}`, L.imageOverlay(r.png, cbox, { pane: "terrain" }), false,
        [[box("rgba(230,60,160,0.45)"), `detected by ${r.name} (${tag})`]]);
    }
  }

  // --- units with symbols; co-located units fanned out around a dot at their true place
  const compPos = {};
  for (const u of S.units) for (const c of u.components) compPos[c.id] = [c.lat_deg, c.lon_deg];
  const symbolIcon = (sidc, size, label, dx, dy) => {
    const sym = new ms.Symbol(sidc, { size: size });
    const a = sym.getAnchor();
    const s = sym.getSize();
    const html = sym.asSVG() + (label ? `<span class="lbl">${esc(label)}</span>` : "");
    return L.divIcon({ className: "sym", html, iconSize: [s.width, s.height], iconAnchor: [a.x - (dx || 0), a.y - (dy || 0)] });
  };
  // sites closer than CLUSTER_PX on screen are drawn as a column beside their place, each
  // with a leader line to a dot at its true position; redone at every zoom
  const CLUSTER_PX = 36, ROW_PX = 30;
  const defence = group("Defence");
  const unitsLayer = L.layerGroup();
  const leaders = L.layerGroup().addTo(unitsLayer);
  const unitMarkers = S.units.map((u) => {
    const m = L.marker([u.lat_deg, u.lon_deg], { icon: symbolIcon(u.sidc, 24, u.id), title: u.id });
    m.bindTooltip(`${u.id} (${u.type})`);
    m.on("click", () => showLedger("unit", u.id));
    m.addTo(unitsLayer);
    return { u, m };
  });
  function layoutUnits() {
    leaders.clearLayers();
    // clusters: units linked by chains of neighbours closer than CLUSTER_PX (union-find)
    const n = unitMarkers.length, parent = unitMarkers.map((_, i) => i);
    const root = (i) => (parent[i] === i ? i : (parent[i] = root(parent[i])));
    for (const it of unitMarkers) it.p = map.latLngToLayerPoint([it.u.lat_deg, it.u.lon_deg]);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      if (unitMarkers[i].p.distanceTo(unitMarkers[j].p) < CLUSTER_PX) parent[root(i)] = root(j);
    }
    const clusters = new Map();
    unitMarkers.forEach((it, i) => { const r = root(i); if (!clusters.has(r)) clusters.set(r, []); clusters.get(r).push(it); });
    for (const members of clusters.values()) {
      const k = members.length;
      if (k === 1) { members[0].m.setIcon(symbolIcon(members[0].u.sidc, 24, members[0].u.id)); continue; }
      members.sort((x, y) => x.p.y - y.p.y);
      const x0 = Math.max(...members.map((it) => it.p.x)) + 40;
      const y0 = members.reduce((s, it) => s + it.p.y, 0) / k - ((k - 1) / 2) * ROW_PX;
      members.forEach((it, i) => {
        const at = L.point(x0, y0 + i * ROW_PX);
        it.m.setIcon(symbolIcon(it.u.sidc, 24, it.u.id, at.x - it.p.x, at.y - it.p.y));
        const to = map.layerPointToLatLng(L.point(at.x - 16, at.y));
        L.polyline([[it.u.lat_deg, it.u.lon_deg], to], { color: "#333", weight: 1, interactive: false }).addTo(leaders);
        L.circleMarker([it.u.lat_deg, it.u.lon_deg], { radius: 3, color: "#000", weight: 1, fillColor: "#000", fillOpacity: 1, interactive: false }).addTo(leaders);
      });
    }
  }
  map.on("zoomend", layoutUnits);
  layoutUnits();
  add(defence, "Units (MIL-STD-2525)", unitsLayer, true, [
    [`<span class="legsym">${new ms.Symbol("SFGPUCDMM--E---", { size: 12 }).asSVG()}</span>`, "defence unit (friendly ground, 2525C)"],
    [dot("#000", "#000", 3), "true place of sites drawn beside it"],
  ]);

  // coverage rings: one group, a check box per unit
  const rings = new Set();
  const ringsOf = {};
  const ring = (u, c, r, what, style) => {
    const key = `${c.lat_deg},${c.lon_deg},${r},${what}`;
    if (rings.has(key)) return;  // launchers of one site share one ring
    rings.add(key);
    ringsOf[u.id] = ringsOf[u.id] || L.layerGroup();
    L.circle([c.lat_deg, c.lon_deg], Object.assign({ radius: r, weight: 1, fill: false }, style))
      .bindTooltip(`${c.id} ${what} ${(r / 1000).toFixed(0)} km`).addTo(ringsOf[u.id]);
  };
  const RADAR = { color: "#1f5fbf", dashArray: "4 4" }, MISSILE = { color: "#bf1f1f" };
  for (const u of S.units) {
    for (const c of u.components) {
      if (c.radar_range_m) ring(u, c, c.radar_range_m, "radar range", RADAR);
      if (c.missile_range_m) ring(u, c, c.missile_range_m, "missile reach", MISSILE);
    }
  }
  const ringGroup = group("Range rings");
  const ringLegend = [[line(RADAR.color, "4 4", 1.5), "radar instrumented range"], [line(MISSILE.color, null, 1.5), "missile reach"]];
  for (const id of Object.keys(ringsOf)) add(ringGroup, id, ringsOf[id], true, ringLegend);

  // links as designed: up solid green, down dashed red
  const links = L.layerGroup();
  for (const l of S.links) {
    const a = compPos[l.from], z = compPos[l.to];
    if (!a || !z) continue;
    L.polyline([a, z], { color: l.up ? "#2a8a2a" : "#d02020", weight: l.up ? 2 : 3, dashArray: l.up ? null : "6 5" })
      .bindTooltip(`${l.id}: ${l.kind}, ${l.up ? "up" : "DOWN"}`).addTo(links);
  }
  add(defence, "Network links", links, true,
    [[line("#2a8a2a", null, 2), "link up as designed"], [line("#d02020", "6 5", 3), "link set down"]]);

  // --- the raid: routes, aircraft moved by the clock, firm tracks
  const raid = group("Raid");
  const routes = L.layerGroup();
  for (const a of S.aircraft) {
    L.polyline(a.track.map((p) => [p[1], p[2]]), { color: "#7a1fa2", weight: 1.5, opacity: 0.6 })
      .bindTooltip(`${a.id} route`).addTo(routes);
  }
  add(raid, "Routes", routes, true, [[line("#7a1fa2", null, 1.5), "planned route"]]);
  const planes = add(raid, "Aircraft", L.layerGroup(), true, [
    [`<span class="legsym">${new ms.Symbol("SHAPMF---------", { size: 12 }).asSVG()}</span>`, "attacking aircraft (hostile air, 2525C)"],
  ]);
  const killedAt = {};
  for (const e of D.events) if (e.kind === "kill" && e.aircraft) killedAt[e.aircraft] = e.time_s;
  const markers = {};
  for (const a of S.aircraft) {
    const m = L.marker([a.track[0][1], a.track[0][2]], { icon: symbolIcon(a.sidc, 20, a.id), title: a.id });
    m.bindTooltip(`${a.id} (${a.type})`);
    m.on("click", () => showLedger("aircraft", a.id));
    markers[a.id] = m;
  }
  function posAt(track, t) {
    if (t <= track[0][0]) return track[0];
    const n = track.length;
    if (t >= track[n - 1][0]) return track[n - 1];
    let lo = 0, hi = n - 1;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (track[mid][0] <= t) lo = mid; else hi = mid; }
    const p = track[lo], q = track[hi], f = (t - p[0]) / (q[0] - p[0]);
    return [t, p[1] + f * (q[1] - p[1]), p[2] + f * (q[2] - p[2]), p[3] + f * (q[3] - p[3])];
  }
  const tracksLayer = add(raid, "Firm tracks (radar to aircraft)", L.layerGroup(), true,
    [[line("#1f5fbf", null, 1), "a radar holds a firm track"]]);
  const trackEvents = D.events.filter((e) => e.kind === "track_firm" || e.kind === "track_lost");
  function drawTracks(t) {
    tracksLayer.clearLayers();
    const open = new Map();
    for (const e of trackEvents) {
      if (e.time_s > t) break;
      const key = `${e.component}|${e.aircraft}`;
      if (e.kind === "track_firm") open.set(key, e); else open.delete(key);
    }
    for (const e of open.values()) {
      const m = markers[e.aircraft];
      if (!m || !planes.hasLayer(m) || e.site_lat_deg == null) continue;
      L.polyline([[e.site_lat_deg, e.site_lon_deg], m.getLatLng()], { color: "#1f5fbf", weight: 1, opacity: 0.7 })
        .bindTooltip(`${e.component} tracks ${e.aircraft}`).addTo(tracksLayer);
    }
  }

  // --- events up to the clock: launches (line site -> aircraft), kills, strikes, losses
  const fight = group("Fight");
  const engagements = add(fight, "Engagements and strikes", L.layerGroup(), true, [
    [line("#ff7f00", "3 3", 2), "missile launch (site to aircraft)"],
    [dot("#d00"), "aircraft killed"], [dot("#999"), "miss"],
    [dot("#000", "#ffdd00", 7), "strike on a site"],
    [dot("#000", "#000", 4), "site destroyed"], [dot("#000", "#888", 4), "site disabled"],
    [line("#7a1fa2", null, 1.5), "return fire (aircraft to site)"],
  ]);
  const SHOWN = new Set(["launch", "kill", "miss", "strike", "destroyed", "disabled", "return_fire"]);
  const mapEvents = D.events.filter((e) => SHOWN.has(e.kind));
  function drawEvents(t) {
    engagements.clearLayers();
    for (const e of mapEvents) {
      if (e.time_s > t) break;
      const site = e.site_lat_deg != null ? [e.site_lat_deg, e.site_lon_deg] : null;
      const ac = e.aircraft_lat_deg != null ? [e.aircraft_lat_deg, e.aircraft_lon_deg] : null;
      const tip = `${fmtT(e.time_s)} ${e.kind} ${e.aircraft || ""} ${e.component || e.unit || ""} ${e.detail || ""}`;
      if (e.kind === "launch" && site && ac) L.polyline([site, ac], { color: "#ff7f00", weight: 2, dashArray: "3 3" }).bindTooltip(tip).addTo(engagements);
      else if ((e.kind === "kill" || e.kind === "miss") && ac) L.circleMarker(ac, { radius: 7, color: e.kind === "kill" ? "#d00" : "#999", weight: 3, fill: false }).bindTooltip(tip).addTo(engagements);
      else if (e.kind === "strike" && site) L.circleMarker(site, { radius: 10, color: "#000", weight: 2, fillColor: "#ffdd00", fillOpacity: 0.8 }).bindTooltip(tip).addTo(engagements);
      else if ((e.kind === "destroyed" || e.kind === "disabled") && site) L.circleMarker(site, { radius: 4, color: "#000", fillColor: e.kind === "destroyed" ? "#000" : "#888", fillOpacity: 1 }).bindTooltip(tip).addTo(engagements);
      else if (e.kind === "return_fire" && site && ac) L.polyline([ac, site], { color: "#7a1fa2", weight: 1.5 }).bindTooltip(tip).addTo(engagements);
    }
  }
  const container = map.getContainer();
  add(base, "Labels", { addTo() { container.classList.remove("nolabels"); return this; } }, true);
  base.items[base.items.length - 1].toggle = (on) => container.classList.toggle("nolabels", !on);

  // --- the layer control: collapsed behind a button, one fold per group
  const LayerPanel = L.Control.extend({
    options: { position: "topright" },
    onAdd() {
      const div = L.DomUtil.create("div", "leaflet-bar iad-layers");
      div.id = "layers";
      div.innerHTML = '<button type="button" class="iad-toggle" aria-expanded="false" aria-controls="layers-panel">Layers</button><div id="layers-panel" hidden></div>';
      const panel = div.querySelector("#layers-panel");
      for (const g of groups) {
        if (!g.items.length) continue;
        const det = L.DomUtil.create("details", "", panel);
        det.open = g.items.length <= 4;
        det.innerHTML = `<summary>${esc(g.name)} <small>(${g.items.length})</small></summary>`;
        for (const it of g.items) {
          const lab = L.DomUtil.create("label", "", det);
          const box = L.DomUtil.create("input", "", lab);
          box.type = "checkbox";
          box.checked = it.on;
          lab.append(` ${it.name}`);
          box.addEventListener("change", () => {
            if (it.toggle) it.toggle(box.checked);
            else if (box.checked) it.layer.addTo(map);
            else map.removeLayer(it.layer);
            drawLegend();
          });
        }
      }
      const btn = div.querySelector("button");
      btn.addEventListener("click", () => {
        const open = panel.hidden;
        panel.hidden = !open;
        btn.setAttribute("aria-expanded", String(open));
      });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    },
  });
  new LayerPanel().addTo(map);

  // --- the legend: one entry per kind of thing drawn by the layers now shown
  function drawLegend() {
    const seen = new Set();
    const rows = [];
    for (const [layer, entries] of legendOf) {
      if (!map.hasLayer(layer)) continue;
      for (const [swatch, text] of entries) {
        if (seen.has(text)) continue;
        seen.add(text);
        rows.push(`<div class="leg">${swatch}<span>${esc(text)}</span></div>`);
      }
    }
    $("legend").innerHTML = `<details open><summary>Legend</summary>${rows.join("")}</details>`;
  }

  // --- the event log: repeats of one event (same kind, aircraft, unit, detail) less than
  // REPEAT_GAP_S apart are one line with a count and the time span
  const REPEAT_GAP_S = 60;
  const runs = [];
  const lastRun = new Map();
  for (const e of D.events) {
    if (e.kind === "track_lost" || e.kind === "state_sampled") continue;
    const key = [e.kind, e.aircraft, e.component || e.unit, e.detail].join("|");
    const r = lastRun.get(key);
    if (r && e.time_s - r.times[r.times.length - 1] <= REPEAT_GAP_S) r.times.push(e.time_s);
    else { const n = { e, times: [e.time_s] }; runs.push(n); lastRun.set(key, n); }
  }
  function drawLog(t) {
    const shown = [];
    for (const r of runs) {
      if (r.times[0] > t) continue;
      let k = 0;
      while (k < r.times.length && r.times[k] <= t) k++;
      shown.push({ r, k, last: r.times[k - 1] });
    }
    shown.sort((x, y) => y.last - x.last);
    $("log").innerHTML = shown.slice(0, 12).map(({ r, k, last }) => {
      const e = r.e;
      const more = k > 1 ? ` <span class="rep">\u00d7${k} until ${esc(local(last))}</span>` : "";
      return `<div class="ev ev-${esc(e.kind)}">${esc(fmtT(e.time_s))} <b>${esc(e.kind)}</b> ${esc(e.aircraft || "")} ${esc(e.component || e.unit || "")} ${esc(e.detail || "")}${more}</div>`;
    }).join("");
  }

  // --- clock, slider, play
  const slider = $("time");
  slider.max = Math.ceil(S.duration_s);
  let now = 0, playing = false, last = null;
  function setTime(t) {
    now = Math.max(0, Math.min(t, S.duration_s));
    slider.value = now;
    $("clock").textContent = fmtClock(now);
    for (const a of S.aircraft) {
      const m = markers[a.id];
      const end = killedAt[a.id] != null ? killedAt[a.id] : a.track[a.track.length - 1][0];
      const airborne = now >= a.track[0][0] && now <= end;
      if (airborne) {
        const p = posAt(a.track, now);
        m.setLatLng([p[1], p[2]]);
        if (!planes.hasLayer(m)) m.addTo(planes);
      } else if (planes.hasLayer(m)) planes.removeLayer(m);
    }
    drawEvents(now);
    drawTracks(now);
    drawLog(now);
    document.body.dataset.time = String(Math.round(now));
  }
  function tick(ts) {
    if (!playing) return;
    if (last != null) setTime(now + ((ts - last) / 1000) * Number($("speed").value));
    last = ts;
    if (now >= S.duration_s) { playing = false; $("play").textContent = "Play"; return; }
    requestAnimationFrame(tick);
  }
  $("play").addEventListener("click", () => {
    playing = !playing;
    $("play").textContent = playing ? "Pause" : "Play";
    last = null;
    if (playing) { if (now >= S.duration_s) setTime(0); requestAnimationFrame(tick); }
  });
  slider.addEventListener("input", () => setTime(Number(slider.value)));

  // --- the ledger panel: a unit's or an aircraft's kill chains
  async function ledgerRows(kind, id) {
    if (D.api) {
      const r = await fetch(`${D.api}/ledger?${kind}=${encodeURIComponent(id)}`);
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return (await r.json()).rows;
    }
    return D.ledger.filter((row) => row[kind] === id);
  }
  async function showLedger(kind, id) {
    const panel = $("ledger");
    panel.dataset.subject = id;
    let rows;
    try { rows = await ledgerRows(kind, id); } catch (err) { panel.innerHTML = `<p>${esc(err)}</p>`; return; }
    const other = kind === "unit" ? "aircraft" : "unit";
    const cols = rows.length && rows[0].share != null
      ? ["stage", "reason", "share"] : ["stage", "reason", "stopped_at_s"];
    const head = { stage: "stage", reason: "reason", share: "share", stopped_at_s: `stopped at (local, ${zone})` };
    const cell = (r, c) => {
      if (c === "share") return `${(100 * r[c]).toFixed(0)}%`;
      if (c === "stopped_at_s") return r[c] == null ? "" : esc(local(r[c]));
      return esc(r[c]);
    };
    const failing = rows.some((r) => r.element != null);
    panel.innerHTML = `<h3>Kill chains: ${esc(kind)} ${esc(id)}</h3>` +
      `<table class="ledger"><thead><tr><th>${other}</th>${cols.map((c) => `<th>${head[c]}</th>`).join("")}${failing ? "<th>failing element</th>" : ""}</tr></thead><tbody>` +
      rows.map((r) => `<tr><td>${esc(r[other])}</td>${cols.map((c) => `<td>${cell(r, c)}</td>`).join("")}${failing ? `<td class="el">${esc(r.element)}</td>` : ""}</tr>`).join("") +
      "</tbody></table>";
  }
  window.iadsimShowLedger = showLedger;
  drawLegend();
  setTime(0);
})();
