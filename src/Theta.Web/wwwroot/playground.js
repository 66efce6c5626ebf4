// The 2-D playground page: plain JS, no build. The server trains; this page draws and sends settings.
// Wire format (see PlaygroundSession.cs), little-endian:
//   page → server: JSON {"type":"config",…} | play | pause | step | reset | add {x1,x2,label} | remove {x1,x2}
//                  | csv {text} | weight {layer,to,from,value} | bias {layer,unit,value} | download
//   server → page: binary frame [1][classes][u16 G][u16 g][u16 L][u32 epoch][f32 trainLoss, testLoss, trainAcc, testAcc]
//                  [u16 widths × (L+1), padded to 4][output G·G bytes (3 classes: G·G·3; regression, classes = 1:
//                  128 + 127·value)][units g·g bytes each][per layer f32 weights [out,in] then biases [out]];
//                  binary download [2][a network file]; JSON {"type":"points"|"error"|"load",…}
// Any control can be hidden through the URL, as TF Playground's: #…&learningRate_hide=1&dataset_hide=1 (see HIDEABLE).
'use strict';

const EXTENT = 6;
const FEATURES = ['x₁', 'x₂', 'x₁²', 'x₂²', 'x₁x₂', 'sin x₁', 'sin x₂'];
const RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];
const ACTS = ['tanh', 'sigmoid', 'relu', 'linear'];
const COLORS = [[245, 147, 34], [8, 119, 189], [46, 160, 67]]; // orange = class 0, blue = class 1, green = class 2
const VALUE_COLORS = [[126, 59, 153], [0, 135, 104]]; // regression: purple = −1, white = 0, teal = +1 (its own scale)
const DEFAULTS = {
  dataset: 'circle', noise: 0, trainRatio: 0.5, points: 500, seed: 1, features: 3, layers: [4, 2], activations: ['tanh', 'tanh'],
  loss: 'bce', optimizer: 'adam', learningRate: 0.03, reg: 'none', regRate: 0, batchSize: 10, dropout: 0, speed: 1, showTest: false,
};

const $ = id => document.getElementById(id);
let hides = new Set(); // the controls hidden through the URL (name_hide=1)
let state = loadState();
let ws = null, playing = false, frame = null, points = { train: [], test: [], classes: 2 }, lossHistory = [];
let selected = null; // {kind:'unit'|'link', …}
let unitBoxes = [];  // [{layer (−1 = features), unit, x, y}]

// ---- state in the URL ----
function loadState() {
  const s = structuredClone(DEFAULTS);
  const q = new URLSearchParams(location.hash.slice(1));
  for (const [k, v] of q) {
    if (k.endsWith('_hide')) { if (v !== '0' && v !== 'false') hides.add(k.slice(0, -5)); continue; }
    if (!(k in s)) continue;
    if (k === 'layers') s.layers = v === '' ? [] : v.split(',').map(Number);
    else if (k === 'activations') s.activations = v.split(',');
    else if (k === 'showTest') s.showTest = v === '1';
    else if (typeof s[k] === 'number') s[k] = Number(v);
    else s[k] = v;
  }
  return s;
}
function saveState() {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) q.set(k, Array.isArray(v) ? v.join(',') : k === 'showTest' ? (v ? '1' : '0') : String(v));
  for (const h of hides) q.set(h + '_hide', '1');
  window.history.replaceState(null, '', '#' + q.toString());
}
function config() {
  const c = { type: 'config' };
  for (const k of Object.keys(DEFAULTS)) if (k !== 'showTest') c[k] = state[k];
  c.activations = state.layers.length ? state.activations.slice(0, state.layers.length) : ['tanh'];
  return c;
}
function send(o) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(o)); }
function changed(resend = true) { saveState(); renderControls(); if (resend) send(config()); }

// ---- controls ----
function fillSelect(id, values) { $(id).innerHTML = values.map(v => `<option value="${v}">${v}</option>`).join(''); }
fillSelect('learningRate', RATES);
fillSelect('regRate', REG_RATES);
// Epochs per frame: 1 lets a class watch the network learn (30 epochs a second); 0 trains as fast as the server can.
$('speed').innerHTML = [1, 3, 10, 30, 0].map(v => `<option value="${v}">${v === 0 ? 'max' : v + ' epoch' + (v > 1 ? 's' : '') + '/frame'}</option>`).join('');
$('features').innerHTML = FEATURES.map((f, i) => `<label><input type="checkbox" data-bit="${1 << i}"> ${f}</label>`).join('');
for (const id of ['dataset', 'noise', 'trainRatio', 'points', 'seed', 'batchSize', 'optimizer', 'learningRate', 'loss', 'reg', 'regRate', 'dropout', 'speed']) {
  $(id).addEventListener('change', () => {
    const el = $(id);
    state[id] = typeof DEFAULTS[id] === 'number' ? Number(el.value) : el.value;
    changed();
  });
  if ($(id).type === 'range') $(id).addEventListener('input', () => { $(id + 'Out').textContent = $(id).value; });
}
$('showTest').addEventListener('change', () => { state.showTest = $('showTest').checked; saveState(); drawMap(); });
$('features').addEventListener('change', e => {
  const bit = Number(e.target.dataset.bit);
  const next = e.target.checked ? state.features | bit : state.features & ~bit;
  if (next === 0) { e.target.checked = true; return status('keep at least one feature', true); }
  state.features = next; changed();
});
$('addLayer').onclick = () => { if (state.layers.length < 6) { state.layers.push(2); state.activations[state.layers.length - 1] ??= state.activations.at(-1) ?? 'tanh'; changed(); } };
$('removeLayer').onclick = () => { if (state.layers.length > 0) { state.layers.pop(); changed(); } };
$('play').onclick = () => { playing = !playing; send({ type: playing ? 'play' : 'pause' }); renderPlay(); };
$('step').onclick = () => { playing = false; send({ type: 'step' }); renderPlay(); };
$('reset').onclick = () => { lossHistory = []; send({ type: 'reset' }); };
$('csv').addEventListener('change', async () => {
  const f = $('csv').files[0];
  if (!f) return;
  if (f.size > 200000) return status('that file is over 200 kB', true);
  send({ type: 'csv', text: await f.text() });
  lossHistory = [];
});
// ---- teaching controls: hide any of these through the URL ----
// A name is an element id (its label goes with it) or a group: features, layers (adding and removing layers and
// units), activations, edit (changing single weights), stats (the header's figures), curve (the loss chart), data (the whole data card).
const HIDEABLE = {
  features: ['featureBox'], layers: ['.pg-layers', '#net .colhead button'], activations: ['#net .colhead select'], edit: ['edit'],
  stats: ['.pg-stat'], curve: ['curve', 'curveTitle'], data: ['.pg-data'], help: ['clickHelp'],
};
function applyHides() {
  for (const name of hides) {
    const targets = HIDEABLE[name] ?? [name];
    let found = 0;
    for (const t of targets) {
      const els = /^[.#]/.test(t) ? [...document.querySelectorAll(t)] : [$(t)].filter(Boolean);
      for (const el of els) { (el.closest('label') ?? el).hidden = true; el.classList.add('url-hidden'); found++; }
    }
    if (!found) status(`"${name}_hide" in the address hides nothing: no control of that name`, true);
  }
}
function renderPlay() { $('play').textContent = playing ? '❚❚ Pause' : '▶ Play'; $('play').classList.toggle('on', playing); }
function renderControls() {
  for (const id of ['dataset', 'noise', 'trainRatio', 'points', 'seed', 'batchSize', 'optimizer', 'learningRate', 'loss', 'reg', 'regRate', 'dropout', 'speed']) {
    $(id).value = String(state[id]);
    if ($(id + 'Out')) $(id + 'Out').textContent = state[id];
  }
  $('showTest').checked = state.showTest;
  for (const cb of $('features').querySelectorAll('input')) cb.checked = (state.features & Number(cb.dataset.bit)) !== 0;
  $('layerCount').textContent = `${state.layers.length} hidden layer${state.layers.length === 1 ? '' : 's'}`;
  layoutNet();
}
function status(text, bad = false) { $('status').textContent = text; $('status').className = bad ? 'error' : 'muted'; }

// ---- the network drawing: unit heatmaps in columns, links by weight ----
const UNIT = 44;
// Output units drawn: one for two classes (P(class 1)), one per class for three (the softmax).
function outputs() { const k = frame ? frame.classes : points.classes; return k > 2 ? k : 1; }
function isRegression() { return (frame ? frame.classes : points.classes) === 1; }
// A value in [−1, 1] on the regression scale: white at 0, purple towards −1, teal towards +1.
function valueColor(v, strength = 1) {
  const c = v < 0 ? VALUE_COLORS[0] : VALUE_COLORS[1], a = Math.min(1, Math.abs(v)) * strength;
  return c.map(x => 255 + (x - 255) * a);
}
// The winning class of output cell i (classification only).
function winner(i) {
  if (frame.classes === 2) return frame.out[i] >= 128 ? 1 : 0;
  const o = frame.out;
  return o[3 * i] >= o[3 * i + 1] && o[3 * i] >= o[3 * i + 2] ? 0 : o[3 * i + 1] >= o[3 * i + 2] ? 1 : 2;
}
function columns() {
  const widths = [];
  for (let i = 0; i < 7; i++) if (state.features & (1 << i)) widths.push(i);
  return widths;
}
function layoutNet() {
  const net = $('net');
  for (const el of [...net.querySelectorAll('.unit, .colhead')]) el.remove();
  const featureIdx = columns();
  const cols = [featureIdx.length, ...state.layers];
  const W = net.clientWidth || 600, colW = W / (cols.length + 1);
  unitBoxes = [];
  cols.forEach((n, c) => {
    const x = colW * (c + 0.5) - UNIT / 2 + colW / 2 - colW / 2;
    const head = document.createElement('div');
    head.className = 'colhead';
    head.style.left = `${x + UNIT / 2 - 55}px`;
    if (c === 0) head.textContent = 'features';
    else {
      const l = c - 1;
      head.innerHTML = `<button data-l="${l}" data-d="1">+</button> ${n} <button data-l="${l}" data-d="-1">−</button><br>` +
        `<select data-l="${l}">${ACTS.map(a => `<option${a === (state.activations[l] ?? 'tanh') ? ' selected' : ''}>${a}</option>`).join('')}</select>`;
    }
    net.appendChild(head);
    for (let u = 0; u < n; u++) {
      const cv = document.createElement('canvas');
      cv.className = 'unit';
      cv.width = cv.height = 20;
      const y = 48 + u * (UNIT + 8);
      cv.style.left = `${x}px`; cv.style.top = `${y}px`;
      cv.title = c === 0 ? FEATURES[featureIdx[u]] : `layer ${c}, unit ${u + 1}`;
      cv.dataset.layer = c === 0 ? 'features' : c; cv.dataset.unit = u;
      net.appendChild(cv);
      unitBoxes.push({ layer: c - 1, unit: u, x: x + UNIT / 2, y: y + UNIT / 2, canvas: cv });
    }
  });
  const outX = colW * (cols.length + 0.5) - UNIT / 2;
  for (let k = 0; k < outputs(); k++) {
    const cv = document.createElement('canvas'), y = 48 + k * (UNIT + 8);
    cv.className = 'unit output';
    cv.dataset.layer = 'output'; cv.dataset.unit = k;
    cv.style.left = `${outX}px`; cv.style.top = `${y}px`;
    cv.title = isRegression() ? 'the predicted value (a linear output)' : outputs() === 1 ? 'P(class 1), the output' : `P(class ${k}), output unit ${k + 1}`;
    net.appendChild(cv);
    unitBoxes.push({ layer: cols.length - 1, unit: k, x: outX + UNIT / 2, y: y + UNIT / 2, canvas: cv, output: true });
  }
  const head = document.createElement('div');
  head.className = 'colhead'; head.style.left = `${outX + UNIT / 2 - 55}px`; head.textContent = 'output';
  net.appendChild(head);
  const links = $('links');
  links.width = W; links.height = net.clientHeight;
  applyHides();
  drawNet();
}
$('net').addEventListener('click', e => {
  const b = e.target.closest('button'), s = e.target.closest('select');
  if (b && b.dataset.l !== undefined) {
    const l = Number(b.dataset.l), n = state.layers[l] + Number(b.dataset.d);
    if (n >= 1 && n <= 8) { state.layers[l] = n; changed(); }
  }
  if (!b && !s && selectedHover) { selected = selectedHover; showEdit(); }
});
$('net').addEventListener('change', e => {
  if (e.target.tagName === 'SELECT') { state.activations[Number(e.target.dataset.l)] = e.target.value; changed(); }
});

// Weights of layer l (0-based over Linear layers): {w: Float32Array [out·in], b, in, out}.
function layerWeights(l) { return frame && frame.weights[l]; }
let selectedHover = null;
$('net').addEventListener('mousemove', e => {
  const r = $('net').getBoundingClientRect(), px = e.clientX - r.left, py = e.clientY - r.top;
  selectedHover = hitTest(px, py);
  $('hover').textContent = selectedHover ? describe(selectedHover) : 'Hover a unit or a link to see its value; click it to edit.';
});
function hitTest(px, py) {
  for (const u of unitBoxes) if (u.layer >= 0 && Math.abs(px - u.x) < UNIT / 2 && Math.abs(py - u.y) < UNIT / 2) return { kind: 'bias', layer: u.layer, unit: u.unit };
  let best = null, bestD = 5;
  for (const lk of linkList()) {
    const d = segDist(px, py, lk.x0, lk.y0, lk.x1, lk.y1);
    if (d < bestD) { bestD = d; best = { kind: 'weight', layer: lk.layer, to: lk.to, from: lk.from }; }
  }
  return best;
}
function segDist(px, py, x0, y0, x1, y1) {
  const dx = x1 - x0, dy = y1 - y0, t = Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - x0 - t * dx, py - y0 - t * dy);
}
function valueOf(s) {
  const L = layerWeights(s.layer);
  if (!L) return NaN;
  return s.kind === 'bias' ? L.b[s.unit] : L.w[s.to * L.in + s.from];
}
function describe(s) {
  const v = valueOf(s).toFixed(3);
  const output = frame && s.layer === frame.weights.length - 1;
  if (s.kind === 'bias') return output ? `output unit ${s.unit + 1}: bias ${v}` : `layer ${s.layer + 1}, unit ${s.unit + 1}: bias ${v}`;
  return `weight ${v} (layer ${s.layer + 1}: unit ${s.from + 1} → ${output ? 'output ' : ''}unit ${s.to + 1})`;
}
function showEdit() {
  $('edit').hidden = false;
  $('editWhat').textContent = describe(selected);
  $('editValue').value = valueOf(selected).toFixed(3);
}
$('editSet').onclick = () => {
  if (!selected) return;
  const v = Number($('editValue').value);
  if (selected.kind === 'bias') send({ type: 'bias', layer: selected.layer, unit: selected.unit, value: v });
  else send({ type: 'weight', layer: selected.layer, to: selected.to, from: selected.from, value: v });
};
function linkList() {
  const out = [];
  if (!frame) return out;
  const byLayer = l => unitBoxes.filter(u => u.layer === l && !u.output);
  for (let l = 0; l < frame.weights.length; l++) {
    const from = byLayer(l - 1), L = frame.weights[l];
    const to = l === frame.weights.length - 1 ? unitBoxes.filter(u => u.output) : byLayer(l);
    for (let j = 0; j < L.out; j++) for (let i = 0; i < L.in; i++) {
      const a = from[i], b = to[Math.min(j, to.length - 1)];
      if (!a || !b) continue;
      out.push({ layer: l, to: j, from: i, x0: a.x + UNIT / 2, y0: a.y, x1: b.x - UNIT / 2, y1: b.y, w: L.w[j * L.in + i] });
    }
  }
  return out;
}
function drawNet() {
  const cv = $('links'), g = cv.getContext('2d');
  g.clearRect(0, 0, cv.width, cv.height);
  if (!frame) return;
  for (const lk of linkList()) {
    g.strokeStyle = lk.w >= 0 ? 'rgba(8,119,189,0.8)' : 'rgba(245,147,34,0.8)';
    g.lineWidth = Math.min(8, 0.4 + Math.abs(lk.w) * 1.5);
    g.beginPath(); g.moveTo(lk.x0, lk.y0); g.lineTo(lk.x1, lk.y1); g.stroke();
  }
  // unit heatmaps (features, then hidden units), in the order of the frame
  const boxes = unitBoxes.filter(u => !u.output);
  const n = frame.g * frame.g;
  boxes.forEach((u, k) => {
    if (k >= frame.units.length / n) return;
    const ctx = u.canvas.getContext('2d'), img = ctx.createImageData(frame.g, frame.g);
    for (let i = 0; i < n; i++) {
      const v = (frame.units[k * n + i] - 128) / 127, c = v < 0 ? COLORS[0] : COLORS[1], a = Math.abs(v);
      for (let ch = 0; ch < 3; ch++) img.data[4 * i + ch] = 255 + (c[ch] - 255) * a;
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  });
  // the output units: two classes, the full map, small; three, each class's probability in its colour
  const outs = unitBoxes.filter(u => u.output);
  if (outs.length === 1) {
    const cv = outs[0].canvas;
    cv.width = cv.height = frame.G;
    cv.getContext('2d').drawImage(mapImage(), 0, 0);
  } else outs.forEach((u, k) => {
    const cv = u.canvas, G = frame.G;
    cv.width = cv.height = G;
    const ctx = cv.getContext('2d'), img = ctx.createImageData(G, G);
    for (let i = 0; i < G * G; i++) {
      const p = frame.out[3 * i + k] / 255;
      for (let ch = 0; ch < 3; ch++) img.data[4 * i + ch] = 255 + (COLORS[k][ch] - 255) * p;
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  });
}

// ---- the output map with its points ----
let mapCanvas = document.createElement('canvas');
function mapImage() {
  const G = frame.G;
  mapCanvas.width = mapCanvas.height = G;
  const ctx = mapCanvas.getContext('2d'), img = ctx.createImageData(G, G);
  for (let i = 0; i < G * G; i++) {
    let rgb;
    if (frame.classes === 1) rgb = valueColor((frame.out[i] - 128) / 127, 0.9);
    else if (frame.classes === 2) {
      const p = frame.out[i] / 255, v = 2 * p - 1, c = v < 0 ? COLORS[0] : COLORS[1], a = Math.abs(v) * 0.75;
      rgb = c.map(x => 255 + (x - 255) * a);
    } else {
      // the winning class's colour, as strong as its probability is above a third
      const k = winner(i), a = Math.max(0, frame.out[3 * i + k] / 255 - 1 / 3) * 1.5 * 0.75;
      rgb = COLORS[k].map(x => 255 + (x - 255) * a);
    }
    img.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
  return mapCanvas;
}
function drawMap() {
  const cv = $('map'), g = cv.getContext('2d'), S = cv.width;
  g.imageSmoothingEnabled = true;
  if (frame) g.drawImage(mapImage(), 0, 0, S, S); else { g.fillStyle = '#fff'; g.fillRect(0, 0, S, S); }
  if (frame && frame.classes > 1) drawBoundary(g, S);
  const toPx = v => (v + EXTENT) / (2 * EXTENT) * S;
  const regression = points.classes === 1;
  const dot = (p, test) => {
    g.beginPath(); g.arc(toPx(p[0]), S - toPx(p[1]), 3.2, 0, 2 * Math.PI);
    g.fillStyle = `rgb(${(regression ? valueColor(p[3]) : COLORS[p[2]]).join(',')})`; g.fill();
    g.lineWidth = test ? 1.6 : 0.8; g.strokeStyle = test || regression ? '#000' : '#fff'; g.stroke();
  };
  for (const p of points.train) dot(p, false);
  if (state.showTest) for (const p of points.test) dot(p, true);
  g.strokeStyle = '#ccc'; g.lineWidth = 1; g.beginPath(); g.moveTo(S / 2, 0); g.lineTo(S / 2, S); g.moveTo(0, S / 2); g.lineTo(S, S / 2); g.stroke();
}
// The decision boundary, where the winning class changes, by marching squares over the cell centres: on each edge
// between two centres that different classes win, the crossing sits where their probabilities are equal (linearly
// interpolated); a square's crossings are joined (two: a segment; three or four: each to the square's centre).
function prob(i, k) { return frame.classes === 2 ? (k === 1 ? frame.out[i] : 255 - frame.out[i]) : frame.out[3 * i + k]; }
function drawBoundary(g, S) {
  const G = frame.G, c = S / G, at = (r, col) => [(col + 0.5) * c, (r + 0.5) * c];
  const cross = (r0, c0, r1, c1) => {
    const i = r0 * G + c0, j = r1 * G + c1, a = winner(i), b = winner(j);
    if (a === b) return null;
    const d0 = prob(i, a) - prob(i, b), d1 = prob(j, a) - prob(j, b), t = d0 - d1 !== 0 ? Math.min(1, Math.max(0, d0 / (d0 - d1))) : 0.5;
    const [x0, y0] = at(r0, c0), [x1, y1] = at(r1, c1);
    return [x0 + t * (x1 - x0), y0 + t * (y1 - y0)];
  };
  g.strokeStyle = 'rgba(30,30,30,0.85)'; g.lineWidth = 2; g.lineCap = 'round'; g.beginPath();
  for (let r = 0; r + 1 < G; r++) for (let col = 0; col + 1 < G; col++) {
    const pts = [cross(r, col, r, col + 1), cross(r, col + 1, r + 1, col + 1), cross(r + 1, col, r + 1, col + 1), cross(r, col, r + 1, col)].filter(Boolean);
    if (pts.length === 2) { g.moveTo(...pts[0]); g.lineTo(...pts[1]); }
    else if (pts.length > 2) { const [mx, my] = at(r + 0.5, col + 0.5); for (const p of pts) { g.moveTo(mx, my); g.lineTo(...p); } }
  }
  g.stroke();
}
function drawLegend() {
  const cv = $('legendBar'), g = cv.getContext('2d'), img = g.createImageData(cv.width, 1);
  for (let x = 0; x < cv.width; x++) img.data.set([...valueColor(2 * x / (cv.width - 1) - 1, 0.9), 255], 4 * x);
  for (let y = 0; y < cv.height; y++) g.putImageData(img, 0, y);
}
drawLegend();
$('map').addEventListener('click', e => {
  const r = $('map').getBoundingClientRect();
  const x1 = ((e.clientX - r.left) / r.width) * 2 * EXTENT - EXTENT, x2 = EXTENT - ((e.clientY - r.top) / r.height) * 2 * EXTENT;
  if (e.ctrlKey || e.metaKey) send({ type: 'remove', x1, x2 });
  else send({ type: 'add', x1, x2, label: e.altKey ? 2 : e.shiftKey ? 0 : 1 });
});

function drawCurve() {
  const cv = $('curve'), g = cv.getContext('2d'), W = cv.width, H = cv.height;
  g.fillStyle = '#fff'; g.fillRect(0, 0, W, H);
  cv.dataset.points = lossHistory.length;
  if (lossHistory.length) {
    cv.dataset.trainFirst = lossHistory[0][0]; cv.dataset.trainLast = lossHistory.at(-1)[0];
    cv.dataset.testFirst = lossHistory[0][1]; cv.dataset.testLast = lossHistory.at(-1)[1];
  }
  if (lossHistory.length < 2) return;
  const max = Math.max(...lossHistory.map(h => Math.max(h[0], h[1])), 1e-6);
  for (const [k, color] of [[0, '#333'], [1, '#999']]) {
    g.strokeStyle = color; g.lineWidth = 1.5; g.beginPath();
    lossHistory.forEach((h, i) => { const x = i / (lossHistory.length - 1) * (W - 4) + 2, y = H - 4 - h[k] / max * (H - 10); i ? g.lineTo(x, y) : g.moveTo(x, y); });
    g.stroke();
  }
}

// ---- the connection ----
function parseFrame(buf) {
  const d = new DataView(buf), u8 = new Uint8Array(buf);
  const classes = u8[1], G = d.getUint16(2, true), g = d.getUint16(4, true), L = d.getUint16(6, true);
  const f = { classes, G, g, epoch: d.getUint32(8, true), trainLoss: d.getFloat32(12, true), testLoss: d.getFloat32(16, true), trainAcc: d.getFloat32(20, true), testAcc: d.getFloat32(24, true) };
  let o = 28;
  const widths = [];
  for (let i = 0; i <= L; i++) { widths.push(d.getUint16(o, true)); o += 2; }
  o = (o + 3) & ~3;
  const outLen = G * G * (classes === 3 ? 3 : 1);
  f.out = u8.subarray(o, o + outLen); o += outLen;
  const nUnits = widths.slice(0, L).reduce((a, b) => a + b, 0);
  f.units = u8.subarray(o, o + nUnits * g * g); o += nUnits * g * g;
  f.weights = [];
  for (let l = 0; l < L; l++) {
    const inn = widths[l], out = widths[l + 1], w = new Float32Array(out * inn), b = new Float32Array(out);
    for (let i = 0; i < w.length; i++, o += 4) w[i] = d.getFloat32(o, true);
    for (let i = 0; i < out; i++, o += 4) b[i] = d.getFloat32(o, true);
    f.weights.push({ w, b, in: inn, out });
  }
  return f;
}
// The frames a second this page receives (over the last 2 s), and the server's note when it throttles under load.
let frameTimes = [], serverNote = '';
function showRate() {
  const now = performance.now();
  frameTimes = frameTimes.filter(t => now - t < 2000);
  const fps = playing && frameTimes.length > 1 ? (frameTimes.length - 1) / ((now - frameTimes[0]) / 1000) : 0;
  $('load').textContent = (playing && fps ? `${fps.toFixed(0)} frames/s` : '') + (serverNote ? ` · ${serverNote}` : '');
  $('load').dataset.fps = fps;
}
document.addEventListener('visibilitychange', () => send({ type: document.hidden ? 'hidden' : 'visible' }));
function onFrame(f) {
  frameTimes.push(performance.now()); showRate();
  if (frame && f.epoch < frame.epoch) lossHistory = [];
  if (!frame || f.epoch !== frame.epoch || lossHistory.length === 0) lossHistory.push([f.trainLoss, f.testLoss]);
  if (lossHistory.length > 600) lossHistory = lossHistory.filter((_, i) => i % 2 === 0);
  const relayout = !frame || f.classes !== frame.classes;
  frame = f;
  // each figure also as data-value, unrounded
  const stat = (id, text, v) => { $(id).textContent = text; $(id).dataset.value = v; };
  stat('epoch', f.epoch, f.epoch);
  stat('trainLoss', f.trainLoss.toFixed(3), f.trainLoss);
  stat('testLoss', f.testLoss.toFixed(3), f.testLoss);
  stat('testAcc', (100 * f.testAcc).toFixed(1) + ' %', f.testAcc);
  const regression = f.classes === 1;
  $('trainLossName').textContent = regression ? 'Train error (MSE)' : 'Train loss';
  $('testLossName').textContent = regression ? 'Test error (MSE)' : 'Test loss';
  $('accStat').hidden = regression; $('legend').hidden = !regression;
  $('loss').disabled = regression;
  $('loss').value = regression ? 'squared' : state.loss;   // what the server uses; the page's choice returns with a classification set
  $('loss').title = regression ? 'Regression always uses a linear output and the squared error' : '';
  if (relayout) layoutNet();
  drawMap(); drawNet(); drawCurve();
  if (selected && !$('edit').hidden && document.activeElement !== $('editValue')) $('editWhat').textContent = describe(selected);
}
function connect() {
  ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/playground`);
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => {
    status('Connected: the server trains, this page draws.');
    send(config());
    if (new URLSearchParams(location.search).get('autoplay') === '1') { playing = true; send({ type: 'play' }); renderPlay(); }
  };
  ws.onmessage = e => {
    if (typeof e.data !== 'string') return new Uint8Array(e.data, 0, 1)[0] === 2 ? saveDownload(e.data) : onFrame(parseFrame(e.data));
    const m = JSON.parse(e.data);
    if (m.type === 'error') status(m.message, true);
    else if (m.type === 'load') { serverNote = m.message; showRate(); }
    else if (m.type === 'points') { points = m; lossHistory = []; drawMap(); }
  };
  ws.onclose = e => {
    playing = false; renderPlay();
    // 1013 = try again later: every session slot is taken (theta serve --max-sessions)
    if (e.code === 1013) showBusy();
    else status('Disconnected from the server; reload the page to start again.', true);
  };
}
function showBusy() {
  status('Server busy, try again: every place on this server is taken (theta serve --max-sessions). ', true);
  const b = document.createElement('button');
  b.id = 'retry'; b.textContent = 'Try again';
  b.onclick = () => { b.remove(); status('Connecting…'); connect(); };
  $('status').appendChild(b);
  const g = $('map').getContext('2d');
  g.fillStyle = 'rgba(255,255,255,0.85)'; g.fillRect(0, 170, 400, 60);
  g.fillStyle = '#b3261e'; g.font = '600 20px system-ui, sans-serif'; g.textAlign = 'center';
  g.fillText('Server busy, try again', 200, 207);
}
$('download').onclick = () => send({ type: 'download' });
function saveDownload(buf) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([new Uint8Array(buf, 1)], { type: 'application/octet-stream' }));
  a.download = `playground-${state.dataset}-epoch${frame ? frame.epoch : 0}.theta`;
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  status('Saved the network: theta summary --model ' + a.download);
}
renderControls();
saveState();
renderPlay();
drawMap();
connect();
window.addEventListener('resize', layoutNet);
