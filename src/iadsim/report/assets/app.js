/* iadsim map playback: one front end for the offline report and the local web app.
 *
 * Input: window.IADSIM = {scene, events, ledger, api} where scene is scene.json, events the
 * event log rows (with positions), ledger the kill-chain rows; `api` (web app only) is the
 * base URL to fetch a unit's or aircraft's ledger from instead of filtering `ledger`.
 * Draws the Natural Earth coastline, the terrain hillshade, sites with MIL-STD-2525C symbols
 * (milsymbol), radar and missile coverage rings, links (up green, down red dashed), routes,
 * and, as the time slider moves, aircraft positions, launches, kills and strikes.
 */
(function () {
  "use strict";
  const D = window.IADSIM;
  const S = D.scene;
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) =>
    ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  const map = L.map("mapview", { zoomSnap: 0.25, preferCanvas: false, attributionControl: true });
  map.attributionControl.setPrefix("");
  map.attributionControl.addAttribution("coast: Natural Earth (public domain); symbols: milsymbol");
  const b = S.focus || S.bounds;  // open on the defence; routes may run beyond
  map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);

  // --- base: sea colour comes from the map div, land polygons, terrain hillshade
  const land = {
    type: "Feature",
    geometry: { type: "MultiPolygon", coordinates: S.land },
  };
  map.createPane("land").style.zIndex = 300;
  map.createPane("terrain").style.zIndex = 350;
  L.geoJSON(land, { pane: "land", style: { color: "#6b6b5a", weight: 1, fillColor: "#e8e4d8", fillOpacity: 1 } }).addTo(map);
  const layers = {};
  if (S.terrain) {
    const t = S.terrain.bounds;
    layers["Terrain"] = L.imageOverlay(S.terrain.png, [[t[1], t[0]], [t[3], t[2]]], { opacity: 0.8, pane: "terrain" }).addTo(map);
  }

  // --- coverage rings, one layer per unit: radar instrumented range and missile reach
  const compPos = {};
  const rings = new Set();
  const coverage = {};
  const ring = (u, c, r, what, style) => {
    const key = `${c.lat_deg},${c.lon_deg},${r},${what}`;
    if (rings.has(key)) return;  // launchers of one site share one ring
    rings.add(key);
    coverage[u.id] = coverage[u.id] || L.layerGroup();
    L.circle([c.lat_deg, c.lon_deg], Object.assign({ radius: r, weight: 1, fill: false }, style))
      .bindTooltip(`${c.id} ${what} ${(r / 1000).toFixed(0)} km`).addTo(coverage[u.id]);
  };
  for (const u of S.units) {
    for (const c of u.components) {
      compPos[c.id] = [c.lat_deg, c.lon_deg];
      if (c.radar_range_m) ring(u, c, c.radar_range_m, "radar range", { color: "#1f5fbf", dashArray: "4 4" });
      if (c.missile_range_m) ring(u, c, c.missile_range_m, "missile reach", { color: "#bf1f1f" });
    }
  }
  for (const id of Object.keys(coverage)) layers[`Range rings: ${id}`] = coverage[id].addTo(map);
  // detection coverage at a chosen height (iadsim report --coverage-agl): any radar shown,
  // each radar on demand
  if (S.coverage) {
    const C = S.coverage, cb = C.bounds, box = [[cb[1], cb[0]], [cb[3], cb[2]]];
    const tag = `Pd>=${C.pd_threshold} at ${C.altitude_agl_m} m AGL`;
    layers[`Detected by any radar (${tag})`] = L.imageOverlay(C.combined, box, { pane: "terrain" }).addTo(map);
    for (const r of C.radars) layers[`Detected by ${r.name}`] = L.imageOverlay(r.png, box, { pane: "terrain" });
  }

  // --- links as designed: up solid green, down dashed red
  const links = L.layerGroup();
  for (const l of S.links) {
    const a = compPos[l.from], z = compPos[l.to];
    if (!a || !z) continue;
    L.polyline([a, z], { color: l.up ? "#2a8a2a" : "#d02020", weight: l.up ? 2 : 3, dashArray: l.up ? null : "6 5" })
      .bindTooltip(`${l.id}: ${l.kind}, ${l.up ? "up" : "DOWN"}`).addTo(links);
  }
  layers["Links (up / down)"] = links.addTo(map);

  // --- units with symbols
  const unitsLayer = L.layerGroup();
  const symbolIcon = (sidc, size) => {
    const sym = new ms.Symbol(sidc, { size: size });
    const a = sym.getAnchor();
    const s = sym.getSize();
    return L.divIcon({ className: "sym", html: sym.asSVG(), iconSize: [s.width, s.height], iconAnchor: [a.x, a.y] });
  };
  for (const u of S.units) {
    const m = L.marker([u.lat_deg, u.lon_deg], { icon: symbolIcon(u.sidc, 26), title: u.id });
    m.bindTooltip(`${u.id} (${u.type})`);
    m.on("click", () => showLedger("unit", u.id));
    m.getElement && m.addTo(unitsLayer);
    m.options.iadsimId = u.id;
  }
  layers["Units"] = unitsLayer.addTo(map);

  // --- routes
  const routes = L.layerGroup();
  for (const a of S.aircraft) {
    L.polyline(a.track.map((p) => [p[1], p[2]]), { color: "#7a1fa2", weight: 1.5, opacity: 0.6 })
      .bindTooltip(`${a.id} route`).addTo(routes);
  }
  layers["Routes"] = routes.addTo(map);

  // --- aircraft markers, moved by the clock
  const planes = L.layerGroup().addTo(map);
  const killedAt = {};
  for (const e of D.events) if (e.kind === "kill" && e.aircraft) killedAt[e.aircraft] = e.time_s;
  const markers = {};
  for (const a of S.aircraft) {
    const m = L.marker([a.track[0][1], a.track[0][2]], { icon: symbolIcon(a.sidc, 22), title: a.id });
    m.bindTooltip(a.id);
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

  // --- firm tracks open at the clock: a thin line from the radar to the aircraft
  const tracksLayer = L.layerGroup();
  layers["Tracks (radar to aircraft)"] = tracksLayer.addTo(map);
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
  const engagements = L.layerGroup();
  layers["Engagements and strikes"] = engagements.addTo(map);
  L.control.layers(null, layers, { collapsed: false }).addTo(map);
  const SHOWN = new Set(["launch", "kill", "miss", "intercept", "strike", "destroyed", "disabled", "return_fire", "suppressed"]);
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

  // --- clock, slider, play
  const T0 = Date.parse(S.start_utc);
  const fmtT = (t) => {
    const d = new Date(T0 + t * 1000);
    return `T+${Math.floor(t / 60)}:${String(Math.floor(t % 60)).padStart(2, "0")} (${d.toISOString().slice(11, 19)}Z)`;
  };
  const slider = $("time");
  slider.max = Math.ceil(S.duration_s);
  let now = 0, playing = false, last = null;
  function setTime(t) {
    now = Math.max(0, Math.min(t, S.duration_s));
    slider.value = now;
    $("clock").textContent = fmtT(now);
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
    const recent = D.events.filter((e) => e.time_s <= now && e.kind !== "track_lost" && e.kind !== "state_sampled").slice(-12).reverse();
    $("log").innerHTML = recent.map((e) => `<div class="ev ev-${esc(e.kind)}">${esc(fmtT(e.time_s))} <b>${esc(e.kind)}</b> ${esc(e.aircraft || "")} ${esc(e.component || e.unit || "")} ${esc(e.detail || "")}</div>`).join("");
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
    const head = { stage: "stage", reason: "reason", share: "share", stopped_at_s: "at (s)" };
    const failing = rows.some((r) => r.element != null);
    panel.innerHTML = `<h3>Kill chains: ${esc(kind)} ${esc(id)}</h3>` +
      `<table class="ledger"><thead><tr><th>${other}</th>${cols.map((c) => `<th>${head[c]}</th>`).join("")}${failing ? "<th>failing element</th>" : ""}</tr></thead><tbody>` +
      rows.map((r) => `<tr><td>${esc(r[other])}</td>${cols.map((c) => `<td>${c === "share" ? (100 * r[c]).toFixed(0) + "%" : c === "stopped_at_s" && r[c] != null ? Math.round(r[c]) : esc(r[c])}</td>`).join("")}${failing ? `<td>${esc(r.element)}</td>` : ""}</tr>`).join("") +
      "</tbody></table>";
  }
  window.iadsimShowLedger = showLedger;
  setTime(0);
})();
