// The critter page: plain JS, no build. The server runs the world and the learner; this page draws and sends settings.
// Wire format (see CritterSession.cs), JSON text both ways:
//   page → server: {"type":"speed","speed":"pause|slow|normal|fast|veryfast"} | {"type":"learning","on":bool}
//                  | {"type":"epsilon","value":0..1} | {"type":"reset"} | {"type":"load"}
//   server → page: {"type":"world",width,height,walls:[[x1,y1,x2,y2]…],actions,eyeAngles,trainedBrain,options} once;
//                  {"type":"frame",clock,critter:{x,y,angle},eyes:[[kind,dist]…],items:[[x,y,kind]…],reward,averageReward,
//                   epsilon,testEpsilon,learning,speed,brain,input:[…],activations:[[…]…],action,argmax,apples,poison,poisonPenalty,graph:[…],…}
//                  | {"type":"error",message}
'use strict';

const $ = id => document.getElementById(id);
const RED = 'rgb(230,60,50)', GREEN = 'rgb(40,170,70)';
const EYE = { '-1': 'rgba(0,0,0,0.35)', 0: 'rgba(0,0,0,0.35)', 1: RED, 2: GREEN };
let ws = null, world = null, last = null;

function send(o) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(o)); }
function status(text, error = false) { const s = $('status'); s.textContent = text; s.className = error ? 'error' : 'muted'; }

for (const b of document.querySelectorAll('#speeds button')) b.onclick = () => send({ type: 'speed', speed: b.dataset.speed });
$('learning').onchange = () => send({ type: 'learning', on: $('learning').checked });
$('reset').onclick = () => send({ type: 'reset' });
$('load').onclick = () => send({ type: 'load' });
$('testEps').oninput = () => { $('testEpsOut').textContent = Number($('testEps').value).toFixed(2); send({ type: 'epsilon', value: Number($('testEps').value) }); };

function connect() {
  ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/critter');
  ws.onopen = () => status('Connected: a fresh critter is learning from scratch.');
  // 1013 = try again later: every session slot is taken (theta serve --max-sessions)
  ws.onclose = e => status(e.code === 1013 ? 'Server busy, try again: every place on this server is taken; reload in a minute.'
    : 'Disconnected from the server; reload the page to start again.', true);
  ws.onmessage = ev => {
    const m = JSON.parse(ev.data);
    if (m.type === 'world') { world = m; $('load').disabled = !m.trainedBrain; if (!m.trainedBrain) $('load').title = 'No trained brain is installed beside the server'; }
    else if (m.type === 'frame') { last = m; requestAnimationFrame(draw); }
    else if (m.type === 'error') status(m.message, true);
  };
}

function draw() {
  const f = last;
  if (!f || !world) return;
  drawWorld(f);
  drawGraph(f);
  drawInputs(f);
  drawNet(f);
  $('clock').textContent = f.clock.toLocaleString('en');
  $('tps').textContent = f.ticksPerSecond.toLocaleString('en');
  $('apples').textContent = f.apples; $('poison').textContent = f.poison;
  $('reward').textContent = f.reward.toFixed(2); $('avg').textContent = f.averageReward.toFixed(3);
  if ($('brain').textContent !== f.brain && !$('status').classList.contains('error'))
    status(f.brain === 'trained' ? 'The trained brain (theta critter train, see the README) is driving; learning is off.'
                                 : 'A fresh critter is learning from scratch.');
  $('brain').textContent = f.brain; $('eps').textContent = f.epsilon.toFixed(3);
  $('memory').textContent = f.memory.toLocaleString('en'); $('steps').textContent = f.learnSteps.toLocaleString('en');
  $('loss').textContent = f.loss === undefined ? '–' : f.loss.toFixed(4);
  $('lambda').textContent = '−' + f.poisonPenalty.toFixed(1);
  $('every').textContent = f.graphEvery;
  $('learning').checked = f.learning;
  if (document.activeElement !== $('testEps')) { $('testEps').value = f.testEpsilon; $('testEpsOut').textContent = f.testEpsilon.toFixed(2); }
  $('testEps').disabled = f.learning;
  for (const b of document.querySelectorAll('#speeds button')) b.classList.toggle('on', b.dataset.speed === f.speed);
}

function drawWorld(f) {
  const c = $('world'), g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  if (f.fog) {
    // the critter's memory: the floor it has not looked at lately, darker the longer ago (one digit a 20-px cell)
    const s = world.memoryCell, cols = world.memoryColumns;
    for (let i = 0; i < f.fog.length; i++) {
      const v = f.fog.charCodeAt(i) - 48;
      if (v <= 0) continue;
      g.fillStyle = `rgba(90,90,140,${(0.035 * v).toFixed(3)})`;
      g.fillRect((i % cols) * s, Math.floor(i / cols) * s, s, s);
    }
  }
  g.lineWidth = 1;
  g.strokeStyle = '#000';
  g.beginPath();
  for (const [x1, y1, x2, y2] of world.walls) { g.moveTo(x1, y1); g.lineTo(x2, y2); }
  g.stroke();
  const a = f.critter;
  f.eyes.forEach(([kind, d], k) => {
    const t = a.angle + world.eyeAngles[k];
    g.strokeStyle = EYE[kind];
    g.beginPath(); g.moveTo(a.x, a.y); g.lineTo(a.x + d * Math.sin(t), a.y + d * Math.cos(t)); g.stroke();
  });
  // the body, redder the more reward it earns now (as the reference: 200 per unit of reward)
  const r = Math.max(0, Math.min(255, Math.floor(f.reward * 200)));
  g.fillStyle = `rgb(${r},150,150)`; g.strokeStyle = '#000';
  g.beginPath(); g.arc(a.x, a.y, world.critterRadius, 0, 2 * Math.PI); g.fill(); g.stroke();
  g.beginPath(); g.moveTo(a.x, a.y); g.lineTo(a.x + world.critterRadius * Math.sin(a.angle), a.y + world.critterRadius * Math.cos(a.angle)); g.stroke();
  for (const [x, y, kind] of f.items) {
    g.fillStyle = kind === 1 ? RED : GREEN;
    g.beginPath(); g.arc(x, y, world.itemRadius, 0, 2 * Math.PI); g.fill(); g.stroke();
  }
  // apples the critter remembers (where its eyes saw them): dashed rings
  g.strokeStyle = RED; g.setLineDash([3, 3]);
  for (const [x, y] of f.remembered || []) { g.beginPath(); g.arc(x, y, world.itemRadius + 4, 0, 2 * Math.PI); g.stroke(); }
  g.setLineDash([]); g.strokeStyle = '#000';
}

function drawGraph(f) {
  const c = $('graph'), g = c.getContext('2d'), W = c.width, H = c.height, pts = f.graph;
  g.clearRect(0, 0, W, H);
  g.strokeStyle = '#ddd'; g.strokeRect(0.5, 0.5, W - 1, H - 1);
  if (pts.length < 2) { g.fillStyle = '#888'; g.fillText('a point every ' + f.graphEvery + ' ticks', 8, 16); return; }
  let lo = Math.min(...pts), hi = Math.max(...pts);
  if (hi - lo < 0.1) { lo -= 0.05; hi += 0.05; }
  const y = v => H - 12 - (v - lo) / (hi - lo) * (H - 24);
  g.strokeStyle = '#2f6fdf'; g.lineWidth = 1.5; g.beginPath();
  pts.forEach((v, i) => { const x = 4 + i / (pts.length - 1) * (W - 8); i ? g.lineTo(x, y(v)) : g.moveTo(x, y(v)); });
  g.stroke(); g.lineWidth = 1;
  g.fillStyle = '#555'; g.fillText(hi.toFixed(2), 6, 12); g.fillText(lo.toFixed(2), 6, H - 3);
  g.fillText((pts.length * f.graphEvery).toLocaleString('en') + ' ticks', W - 90, H - 3);
}

function drawInputs(f) {
  const c = $('inputs'), g = c.getContext('2d'), W = c.width, H = c.height, x = f.input, n = x.length;
  g.clearRect(0, 0, W, H);
  const w = W / n, obs = f.observations, eyes = world.eyeInputs;
  for (let i = 0; i < n; i++) {
    // the 27 eye inputs lie in [0, 1], then the memory's (purple: staleness in 8 directions, the remembered apple's
    // distance, sine and cosine, the last two in [−1, 1] drawn by size); a past action is one-hot scaled by 27, drawn at 1/27
    const j = i < obs ? i : (i - obs) % (obs + 5), isAction = j >= obs, isMemory = !isAction && j >= eyes;
    const v = isAction ? x[i] / eyes : isMemory ? Math.abs(x[i]) : x[i];
    g.fillStyle = isAction ? '#2f6fdf' : isMemory ? '#8a4fd0' : ['#444', RED, GREEN][j % 3];
    g.globalAlpha = i < obs ? 1 : 0.45;
    const h = Math.max(1, v * (H - 14));
    g.fillRect(i * w + 0.5, H - h, Math.max(1, w - 1), h);
  }
  g.globalAlpha = 1;
  g.fillStyle = '#555'; g.fillText('now', 2, 10); g.fillText('before', obs * w + 2, 10);
}

function drawNet(f) {
  const c = $('layers'), g = c.getContext('2d'), W = c.width, H = c.height, L = f.activations;
  g.clearRect(0, 0, W, H);
  const size = 9, gap = 2, colW = (W - 10) / L.length;
  L.forEach((layer, l) => {
    const max = Math.max(1e-6, ...layer.map(Math.abs));
    const perCol = Math.floor((H - 18) / (size + gap)), x0 = 6 + l * colW;
    g.fillStyle = '#555';
    g.fillText(l < L.length - 1 ? `ReLU (${layer.length})` : `Q (${layer.length})`, x0, 10);
    layer.forEach((v, i) => {
      const s = Math.round(255 * Math.min(1, Math.abs(v) / max));
      g.fillStyle = v >= 0 ? `rgb(${255 - s},${255 - s},255)` : `rgb(255,${255 - s},${255 - s})`;
      g.fillRect(x0 + Math.floor(i / perCol) * (size + gap), 16 + (i % perCol) * (size + gap), size, size);
    });
  });
  const q = L[L.length - 1];
  $('q').innerHTML = world.actions.map((name, k) =>
    `<div class="cr-q${k === f.argmax ? ' top' : ''}"><span>${name}</span><span>${q[k].toFixed(3)}</span>${k === f.action ? '<span class="muted">' + (f.greedyAction ? 'chosen' : 'chosen at random') + '</span>' : ''}</div>`).join('');
}

connect();
