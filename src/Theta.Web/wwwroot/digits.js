// The digit recogniser's page. Protocol with /ws/digits (all numbers little-endian):
//   page → server  binary [1][u16 w][u16 h][w·h bytes of ink, 0 = background]   a drawing (8 ≤ w, h ≤ 280)
//   page → server  binary [2][file bytes]                                       a network file for this page
//   page → server  text   {"type":"unit","layer":L,"unit":U}                    one unit's weights
//   server → page  binary [1][0][u16 K][u16 L][u16 0] then float32s: the 28×28 image, K probabilities,
//                  and for each of the L layers u32 n and its n activations (all 4-byte aligned)
//   server → page  text   {"type":"model"|"unit"|"error", ...}
// The bundled network: /ws/digits (the CNN) or /ws/digits?network=mlp (784-300-100-10); the page's switch, also ?network=mlp in its address.
"use strict";
const SEND = 112;                       // the drawing is sent as 112×112 bytes (12.5 KB)
const pad = document.getElementById("pad"), ctx = pad.getContext("2d");
const statusEl = document.getElementById("status");
let ws, model = null, last = null, inFlight = false, pending = false, erasing = false, hasInk = false;
let selected = null;                    // {layer, c, y, x} or {layer, i}
let unitCache = new Map();              // "layer:unit" → the server's {"type":"unit"} answer
// Drawings and uploads sent and answered so far, kept on the pad as data-sent and data-answered: equal when
// the page shows the answer to the latest drawing (the tests wait for that).
let sent = 0, answered = 0;
function count() { pad.dataset.sent = sent; pad.dataset.answered = answered; }
count();

function setStatus(text, error) { statusEl.textContent = text; statusEl.className = error ? "error" : "muted"; }

// ---- drawing pad ----
function clearPad() { ctx.fillStyle = "#000"; ctx.fillRect(0, 0, pad.width, pad.height); hasInk = false; }
clearPad();
let drawing = false, lastPt = null;
function pt(e) { const r = pad.getBoundingClientRect(); return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height]; }
function stroke(a, b) {
  ctx.strokeStyle = erasing ? "#000" : "#fff"; ctx.lineWidth = erasing ? 36 : 20; ctx.lineCap = "round"; ctx.lineJoin = "round";
  ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
  if (!erasing) hasInk = true;
}
pad.addEventListener("pointerdown", e => { drawing = true; pad.setPointerCapture(e.pointerId); lastPt = pt(e); stroke(lastPt, lastPt); request(); });
pad.addEventListener("pointermove", e => { if (!drawing) return; const p = pt(e); stroke(lastPt, p); lastPt = p; request(); });
pad.addEventListener("pointerup", () => { drawing = false; request(); });
function tool(isEraser) { erasing = isEraser; document.getElementById("pen").classList.toggle("on", !isEraser); document.getElementById("eraser").classList.toggle("on", isEraser); }
document.getElementById("pen").onclick = () => tool(false);
document.getElementById("eraser").onclick = () => tool(true);
document.getElementById("clear").onclick = () => { clearPad(); last = null; drawEmpty(); setStatus("Cleared: draw a digit.", false); };

// The pad, downsampled to SEND×SEND bytes; one request in flight at a time, the latest drawing wins.
function request() {
  if (!ws || ws.readyState !== WebSocket.OPEN) return;
  if (inFlight) { pending = true; return; }
  const small = document.createElement("canvas"); small.width = small.height = SEND;
  const sctx = small.getContext("2d"); sctx.imageSmoothingQuality = "high";
  sctx.drawImage(pad, 0, 0, SEND, SEND);
  const px = sctx.getImageData(0, 0, SEND, SEND).data;
  const msg = new Uint8Array(5 + SEND * SEND); const dv = new DataView(msg.buffer);
  msg[0] = 1; dv.setUint16(1, SEND, true); dv.setUint16(3, SEND, true);
  for (let i = 0; i < SEND * SEND; i++) msg[5 + i] = px[4 * i];
  inFlight = true; pending = false; sent++; count(); ws.send(msg);
}
function replied() { if (inFlight) { answered++; count(); } inFlight = false; if (pending) request(); }

// ---- connection ----
function connect() {
  const network = document.getElementById("network").value;
  ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/digits" + (network === "mlp" ? "?network=mlp" : ""));
  ws.binaryType = "arraybuffer";
  ws.onopen = () => { setStatus(hasInk ? "Connected: reading your drawing." : "Connected: draw a digit.", false); };
  ws.onclose = e => setStatus(e.code === 1013 ? "Server busy, try again: every place on this server is taken; reload in a minute."
    : "Disconnected from the server; reload the page to reconnect.", true);
  ws.onmessage = e => {
    if (typeof e.data !== "string") { replied(); onResult(e.data); return; }
    const m = JSON.parse(e.data);
    if (m.type === "error") { replied(); setStatus(m.message, true); if (/empty/.test(m.message)) drawEmpty(); }
    else if (m.type === "model") { replied(); onModel(m); if (hasInk && !inFlight) request(); }
    else if (m.type === "unit") {
      const key = m.layer + ":" + m.unit;
      unitCache.set(key, m); net3d.onUnit(m);
      if (key === net3dAsked) net3dAsked = null; else showUnit(m);
    }
  };
}
// ---- the network in space (net3d.js) ----
let net3dAsked = null; // the unit whose weights the 3-D view asked for (its answer is not the "Selected unit" card's)
const net3d = new Net3D(document.getElementById("net3d"), document.getElementById("net3d-links"), document.getElementById("net3d-info"), document.getElementById("net3d-patch"), (layer, unit) => {
  const key = layer + ":" + unit;
  if (unitCache.has(key)) net3d.onUnit(unitCache.get(key));
  else if (ws && ws.readyState === WebSocket.OPEN) { net3dAsked = key; ws.send(JSON.stringify({ type: "unit", layer, unit })); }
});
for (const id of ["view3d", "view2d"]) document.getElementById(id).onclick = () => {
  net3d.setFlat(id === "view2d");
  document.getElementById("view3d").classList.toggle("on", id === "view3d"); document.getElementById("view2d").classList.toggle("on", id === "view2d");
};
const networkSelect = document.getElementById("network");
networkSelect.value = new URLSearchParams(location.search).get("network") === "mlp" ? "mlp" : "cnn";
networkSelect.onchange = () => {
  const q = new URLSearchParams(location.search); q.set("network", networkSelect.value);
  history.replaceState(null, "", "?" + q.toString() + location.hash);
  const old = ws; ws = null; inFlight = false; pending = false;
  if (old) { old.onclose = null; old.onmessage = null; old.close(); }
  setStatus("Switching networks…", false);
  connect();
};
connect();

document.getElementById("model-file").onchange = async e => {
  const f = e.target.files[0]; if (!f) return;
  if (f.size > 4 * 1024 * 1024) { setStatus(`${f.name}: ${f.size} bytes is over the 4 MiB limit`, true); return; }
  const bytes = new Uint8Array(await f.arrayBuffer()); const msg = new Uint8Array(1 + bytes.length);
  msg[0] = 2; msg.set(bytes, 1); setStatus(`Loading ${f.name}…`, false); inFlight = true; sent++; count(); ws.send(msg);
};

// ---- the model: layer sections and the first layer's filters ----
function onModel(m) {
  model = m; selected = null; unitCache = new Map(); net3d.setModel(m);
  const u = document.getElementById("unit"); u.className = "muted"; u.textContent = "Click a unit in any layer.";
  document.getElementById("model-name").textContent = "model: " + m.name + " (" + m.layers.map(l => l.name).join(" → ") + ")";
  const root = document.getElementById("layers"); root.innerHTML = "";
  for (const l of m.layers) {
    const sec = document.createElement("div"); sec.className = "layer";
    sec.innerHTML = `<h3>${l.index}: ${l.about} <span class="shape">→ [${l.shape.join(", ")}]</span></h3>`;
    const grid = document.createElement("div"); grid.className = "grid"; sec.appendChild(grid);
    l.canvases = [];
    if (l.shape.length === 3) {
      const [C, H, W] = l.shape, scale = Math.max(2, Math.floor(56 / H));
      for (let c = 0; c < C; c++) {
        const cv = document.createElement("canvas"); cv.width = W; cv.height = H;
        cv.style.width = W * scale + "px"; cv.style.height = H * scale + "px"; cv.title = `channel ${c}`;
        cv.onclick = ev => { const r = cv.getBoundingClientRect(); select({ layer: l.index, c, y: Math.floor((ev.clientY - r.top) / r.height * H), x: Math.floor((ev.clientX - r.left) / r.width * W) }); };
        grid.appendChild(cv); l.canvases.push(cv);
      }
    } else {
      const n = l.shape.reduce((a, b) => a * b, 1), cols = Math.min(n, n > 256 ? 70 : 32), rows = Math.ceil(n / cols), cell = n > 256 ? 5 : n <= 16 ? 30 : 14;
      const cv = document.createElement("canvas"); cv.width = cols; cv.height = rows;
      cv.style.width = cols * cell + "px"; cv.style.height = rows * cell + "px";
      cv.onclick = ev => { const r = cv.getBoundingClientRect(); const i = Math.floor((ev.clientY - r.top) / r.height * rows) * cols + Math.floor((ev.clientX - r.left) / r.width * cols); if (i < n) select({ layer: l.index, i }); };
      l.cols = cols; grid.appendChild(cv); l.canvases.push(cv);
      if (n <= 16) {                                   // a small output layer: label its units (the classes)
        grid.style.flexDirection = "column";
        const lab = document.createElement("div"); lab.className = "labels";
        lab.innerHTML = [...Array(n).keys()].map(i => `<span style="width:${cell}px">${i}</span>`).join("");
        grid.appendChild(lab);
      }
    }
    root.appendChild(sec);
  }
  const fl = document.getElementById("filters"); fl.innerHTML = "";
  if (m.filters) {
    const [n, C, k] = m.filters.shape, per = C * k * m.filters.shape[3];
    const scale = Math.max(2, Math.floor(60 / k));
    fl.className = "";
    const note = document.createElement("p"); note.className = "muted";
    note.textContent = `Layer ${m.filters.layer}: ${n} filters of ${k}×${m.filters.shape[3]}` + (C > 1 ? ` (channel 0 of ${C})` : "") + "; red = positive weight, blue = negative. Click one for its unit.";
    for (let f = 0; f < n; f++) {
      const cv = weightCanvas(m.filters.data.slice(f * per, f * per + k * m.filters.shape[3]), k, m.filters.shape[3], scale);
      cv.title = `filter ${f}`; cv.style.cursor = "pointer";
      cv.onclick = () => { const l = m.layers[m.filters.layer]; select(l.shape.length === 3 ? { layer: l.index, c: f, y: l.shape[1] >> 1, x: l.shape[2] >> 1 } : { layer: l.index, i: f }); };
      fl.appendChild(cv);
    }
    fl.appendChild(note);
  }
  drawEmpty();
  setStatus(`Model ${m.name} loaded: draw a digit.`, false);
  if (hasInk) request(); else drawSample();
}

// ---- results ----
function onResult(buf) {
  const dv = new DataView(buf), K = dv.getUint16(2, true), L = dv.getUint16(4, true);
  let o = 8;
  const image = new Float32Array(buf, o, 784); o += 784 * 4;
  const probs = new Float32Array(buf, o, K); o += K * 4;
  const acts = [];
  for (let i = 0; i < L; i++) { const n = dv.getUint32(o, true); o += 4; acts.push(new Float32Array(buf, o, n)); o += n * 4; }
  last = { image, probs, acts };
  setStatus("", false);
  drawSeen(image); drawPreds(probs); net3d.setActivations(image, acts);
  model.layers.forEach((l, i) => drawLayer(l, acts[i]));
  if (selected) select(selected, true);
  else if (sample !== null) select({ layer: 3, c: 0, y: 7, x: 7 });
}
function drawEmpty() {
  drawSeen(new Float32Array(784));
  const preds = document.getElementById("preds");
  preds.innerHTML = '<p class="muted">Top-3 guesses appear here.</p>'; delete preds.dataset.top;
  if (model) for (const l of model.layers) for (const cv of l.canvases) cv.getContext("2d").clearRect(0, 0, cv.width, cv.height);
}
function grey(cv, vals, lo, hi) {
  const g = cv.getContext("2d"), img = g.createImageData(cv.width, cv.height), span = hi - lo || 1;
  for (let i = 0; i < cv.width * cv.height; i++) {
    const v = i < vals.length ? Math.round(255 * (vals[i] - lo) / span) : 240;
    img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v; img.data[4 * i + 3] = 255;
  }
  g.putImageData(img, 0, 0);
}
function drawSeen(image) { grey(document.getElementById("seen"), image, 0, 1); }
function drawPreds(p) {
  const order = [...p.keys()].sort((a, b) => p[b] - p[a]).slice(0, 3), preds = document.getElementById("preds");
  preds.dataset.top = order[0];                         // the guess, for tests
  preds.innerHTML = order.map((d, r) =>
    `<div class="pred${r === 0 ? " top" : ""}"><span class="digit">${d}</span><div class="bar"><div style="width:${(100 * p[d]).toFixed(1)}%"></div></div><span>${(100 * p[d]).toFixed(1)} %</span></div>`).join("");
}
function drawLayer(l, a) {
  let lo = Infinity, hi = -Infinity; for (const v of a) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (l.shape.length === 3) { const hw = l.shape[1] * l.shape[2]; l.canvases.forEach((cv, c) => grey(cv, a.subarray(c * hw, (c + 1) * hw), lo, hi)); }
  else grey(l.canvases[0], a, lo, hi);
}
// Weights in red (positive) and blue (negative), scaled by the largest magnitude.
function weightCanvas(w, h, wd, scale) {
  const cv = document.createElement("canvas"); cv.width = wd; cv.height = h; cv.style.width = wd * scale + "px"; cv.style.height = h * scale + "px";
  const g = cv.getContext("2d"), img = g.createImageData(wd, h); let m = 1e-9; for (const v of w) m = Math.max(m, Math.abs(v));
  for (let i = 0; i < wd * h; i++) {
    const t = w[i] / m, a = Math.round(255 * (1 - Math.abs(t)));
    img.data[4 * i] = t > 0 ? 255 : a; img.data[4 * i + 1] = a; img.data[4 * i + 2] = t < 0 ? 255 : a; img.data[4 * i + 3] = 255;
  }
  g.putImageData(img, 0, 0); return cv;
}
function inputCanvas(vals, h, wd, scale) { const cv = document.createElement("canvas"); cv.width = wd; cv.height = h; cv.style.width = wd * scale + "px"; cv.style.height = h * scale + "px"; let lo = Math.min(0, ...vals), hi = Math.max(1e-9, ...vals); grey(cv, vals, lo, hi); return cv; }

// ---- a selected unit: its value, its inputs and (for Conv2d and Linear) its weights ----
function select(s, refresh) {
  const ls = model.layers[s.layer].shape;
  if (ls.length === 3) { s.y = Math.min(Math.max(s.y, 0), ls[1] - 1); s.x = Math.min(Math.max(s.x, 0), ls[2] - 1); }
  selected = s;
  document.querySelectorAll(".grid canvas.sel").forEach(c => c.classList.remove("sel"));
  const l = model.layers[s.layer]; (l.canvases[s.c ?? 0]).classList.add("sel");
  const key = s.layer + ":" + (s.c ?? s.i);
  if (!l.hasWeights) showUnit({ type: "unit", layer: s.layer, weights: null });
  else if (unitCache.has(key)) showUnit(unitCache.get(key));
  else ws.send(JSON.stringify({ type: "unit", layer: s.layer, unit: s.c ?? s.i }));
}
function at(layerIdx) { return layerIdx < 0 ? last?.image : last?.acts[layerIdx]; }
function shapeOf(layerIdx) { return layerIdx < 0 ? model.input.length === 3 ? model.input : [1, 28, 28] : model.layers[layerIdx].shape; }
function showUnit(m) {
  const s = selected; if (!s || m.layer !== s.layer) return;
  const l = model.layers[s.layer], el = document.getElementById("unit"); el.className = ""; el.innerHTML = "";
  const where = l.shape.length === 3 ? `channel ${s.c}, row ${s.y}, column ${s.x}` : `unit ${s.i}`;
  const a = at(s.layer), idx = l.shape.length === 3 ? (s.c * l.shape[1] + s.y) * l.shape[2] + s.x : s.i;
  const row = html => { const d = document.createElement("div"); d.className = "row"; d.innerHTML = html; el.appendChild(d); return d; };
  row(`<b>Layer ${l.index}: ${l.about}</b>, ${where}<br>value: <b>${a ? a[idx].toFixed(4) : "— (draw a digit)"}</b>`);
  const prev = s.layer - 1, pa = at(prev), ps = shapeOf(prev);
  if (m.weights && m.shape.length === 3) {            // Conv2d: the filter for channel c and the input patch under it
    const [C, k] = m.shape, pad = m.padding, st = m.stride;
    const w = row(`weights (${C} channel${C > 1 ? "s" : ""} of ${k}×${k}, bias ${m.bias.toFixed(4)}):<br>`);
    const scale = C > 4 ? 6 : 12;
    for (let c = 0; c < C; c++) w.appendChild(weightCanvas(m.weights.slice(c * k * k, (c + 1) * k * k), k, k, scale));
    if (pa) {
      const inp = row(`inputs (the ${k}×${k} patch of layer ${prev < 0 ? "input" : prev} under the filter, 0 outside):<br>`);
      let sum = m.bias;
      for (let c = 0; c < C; c++) {
        const patch = [];
        for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) {
          const y = s.y * st - pad + dy, x = s.x * st - pad + dx;
          const v = y >= 0 && x >= 0 && y < ps[1] && x < ps[2] ? pa[(c * ps[1] + y) * ps[2] + x] : 0;
          patch.push(v); sum += v * m.weights[(c * k + dy) * k + dx];
        }
        inp.appendChild(inputCanvas(patch, k, k, scale));
      }
      row(`Σ w·x + b = <b>${sum.toFixed(4)}</b>`);
    }
  } else if (m.weights) {                              // Linear: one weight per input
    const n = m.shape[0];
    let ws3 = prev >= 1 && model.layers[prev].name === "Flatten" ? model.layers[prev - 1].shape : null;
    const w = row(`weights (${n}, bias ${m.bias.toFixed(4)}):<br>`);
    if (ws3 && ws3.length === 3 && ws3[0] * ws3[1] * ws3[2] === n) {
      const [C, H, W] = ws3, hw = H * W;
      for (let c = 0; c < C; c++) w.appendChild(weightCanvas(m.weights.slice(c * hw, (c + 1) * hw), H, W, 3));
      if (pa) { const inp = row(`inputs (layer ${prev - 1}, ${C} channels of ${H}×${W}):<br>`); for (let c = 0; c < C; c++) inp.appendChild(inputCanvas(Array.from(pa.subarray(c * hw, (c + 1) * hw)), H, W, 3)); }
    } else {
      const cols = Math.min(n, 32), rows = Math.ceil(n / cols), wv = Array.from(m.weights); while (wv.length < rows * cols) wv.push(0);
      w.appendChild(weightCanvas(wv, rows, cols, n > 256 ? 5 : 10));
      if (pa) { const iv = Array.from(pa); while (iv.length < rows * cols) iv.push(0); row("inputs:<br>").appendChild(inputCanvas(iv, rows, cols, n > 256 ? 5 : 10)); }
    }
    if (pa) { let sum = m.bias; for (let i = 0; i < n; i++) sum += m.weights[i] * pa[i]; row(`Σ w·x + b = <b>${sum.toFixed(4)}</b>`); }
  } else if (pa) {                                     // no weights: show what it is computed from
    if (l.name === "MaxPool2d" && l.shape.length === 3) {
      const f = Math.round(ps[1] / l.shape[1]), patch = [];
      for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) patch.push(pa[(s.c * ps[1] + s.y * f + dy) * ps[2] + s.x * f + dx]);
      row(`inputs (the ${f}×${f} window it takes the maximum of): ${patch.map(v => v.toFixed(3)).join(", ")}`).appendChild(inputCanvas(patch, f, f, 14));
    } else if (pa.length === a.length) row(`input: ${pa[idx].toFixed(4)} (layer ${prev < 0 ? "input" : prev}, same position)`);
  }
}

// digits.html?sample=1 (or 0) draws a sample digit once the model is known: a quick look without a mouse.
const sample = new URLSearchParams(location.search).get("sample");
function drawSample() {
  if (sample === null || hasInk) return;
  ctx.strokeStyle = "#fff"; ctx.lineWidth = 20; ctx.lineCap = "round"; ctx.beginPath();
  if (sample === "0") ctx.ellipse(140, 140, 65, 95, 0, 0, 2 * Math.PI);
  else if (sample === "7") { ctx.moveTo(80, 60); ctx.lineTo(200, 60); ctx.lineTo(120, 230); }
  else { ctx.moveTo(145, 40); ctx.lineTo(135, 240); }
  ctx.stroke(); hasInk = true; request();
}
