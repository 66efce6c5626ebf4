// The digit network in space (after Adam Harley's visualisation): one box per unit (per pixel of every
// convolution map), its brightness the unit's activation scaled per layer, layers stacked one behind the other
// (3-D, perspective, orbit / zoom / pan) or side by side (flat 2-D). Hovering a unit asks the server for its
// weights and draws its incoming links, coloured by the sign of weight × input (red +, blue −) and as wide and
// opaque as |weight × input| (on a 2-D canvas over the WebGL one, re-projected every frame), and shows its value, Σw·x + b and the patch of the layer below it looks at.
// Plain WebGL 1 written here: each layer is one quad textured with its units' brightness (one texel per unit,
// drawn as a shaded box), so a frame costs a few quads whatever the layer sizes. No libraries.
'use strict';

class Net3D {
  constructor(canvas, overlay, info, patch, askUnit) {
    this.canvas = canvas; this.overlay = overlay; this.links = []; this.info = info; this.patch = patch; this.askUnit = askUnit;
    const gl = canvas.getContext('webgl', { antialias: false, preserveDrawingBuffer: true }); // no multisampling: in software GL it costs most of a frame
    if (!gl) { info.textContent = 'This browser has no WebGL: the flat layer view below still works.'; this.gl = null; return; }
    this.gl = gl;
    // a slab: texel (r = brightness, a = 0 in the gaps between maps); each texel a box with a darker rim
    this.slabProg = program(gl, `
      attribute vec3 pos; attribute vec2 uv; uniform mat4 mvp; varying vec2 t;
      void main() { gl_Position = mvp * vec4(pos, 1.0); t = uv; }`, `
      precision mediump float; uniform sampler2D tex; uniform vec2 size; varying vec2 t;
      void main() { vec4 c = texture2D(tex, t); if (c.a < 0.5) discard;
        vec2 f = abs(fract(t * size) - 0.5); float rim = max(f.x, f.y) > 0.4 ? 0.72 : 1.0;
        gl_FragColor = vec4(vec3(0.08 + 0.92 * c.r) * rim, 1.0); }`);
    this.quadBuf = gl.createBuffer();
    this.flat = false; this.yaw = 0.6; this.pitch = 0.35; this.dist = 260; this.target = [0, 0, 0]; this.zoom2d = 1;
    this.hover = null; this.frames = []; this.fps = 0;
    this.listen();
    const loop = t => { this.frames.push(t); if (this.frames.length > 61) this.frames.shift();
      if (this.frames.length > 1) this.fps = 1000 * (this.frames.length - 1) / (t - this.frames[0]);
      canvas.dataset.fps = this.fps.toFixed(1); this.draw(); requestAnimationFrame(loop); };
    requestAnimationFrame(loop);
  }

  // The model message: which layers to show (all but Flatten and Dropout) and where every unit sits.
  setModel(model) {
    if (!this.gl) return;
    for (const s of this.slabs ?? []) this.gl.deleteTexture(s.tex);
    this.model = model;
    this.slabs = [{ index: -1, name: 'input', shape: model.input }];
    for (const l of model.layers) if (!/^(Flatten|Dropout)/.test(l.name)) this.slabs.push({ index: l.index, name: l.name, shape: l.shape, about: l.about });
    this.layout();
    this.acts = null; this.hover = null; this.links = [];
  }

  // Slab geometry: a [C, H, W] map tiles its channels in a grid; a vector of n units is a near-square grid.
  layout() {
    let total = 0;
    for (const s of this.slabs) {
      const [C, H, W] = s.shape.length === 3 ? s.shape : [1, ...grid(s.shape[0])];
      const cols = Math.ceil(Math.sqrt(C)), rows = Math.ceil(C / cols), gap = C > 1 ? 3 : 0, sp = s.shape.length === 3 ? 1 : 2.5;
      const tw = cols * (W + gap) - gap, th = rows * (H + gap) - gap;
      const n = s.shape.reduce((a, b) => a * b, 1); // a vector's grid may have a few places more than units
      Object.assign(s, { C, H, W, n, cols, sp, tw, th, width: tw * sp, height: th * sp, gap, offset: total });
      total += n;
    }
    this.count = total;
    const pos = new Float32Array(3 * total);
    let x0 = 0;
    // layers one behind the other, half the widest layer apart (20–45), so small networks are not lost in depth
    const step = this.step = Math.max(20, Math.min(45, 0.5 * Math.max(...this.slabs.map(q => q.width))));
    this.slabs.forEach((s, k) => {
      const cx = this.flat ? x0 + s.width / 2 : 0, z = this.flat ? 0 : -k * step;
      x0 += s.width + 25;
      s.center = [cx, 0, z];
      for (let u = 0; u < s.n; u++) {
        const c = Math.floor(u / (s.H * s.W)), y = Math.floor((u % (s.H * s.W)) / s.W), x = u % s.W;
        const i = s.offset + u, gx = (c % s.cols) * (s.W + s.gap) + x, gy = Math.floor(c / s.cols) * (s.H + s.gap) + y;
        pos[3 * i] = cx - s.width / 2 + (gx + 0.5) * s.sp; pos[3 * i + 1] = s.height / 2 - (gy + 0.5) * s.sp; pos[3 * i + 2] = z;
      }
    });
    // one quad per slab (two triangles: x, y, z, u, v), its texture all gap until the first answer
    const quads = new Float32Array(this.slabs.length * 30);
    this.slabs.forEach((s, k) => {
      const [cx, , z] = s.center, l = cx - s.width / 2, r = cx + s.width / 2, t = s.height / 2, b = -t;
      quads.set([l, t, z, 0, 0, r, t, z, 1, 0, r, b, z, 1, 1, l, t, z, 0, 0, r, b, z, 1, 1, l, b, z, 0, 1], k * 30);
      s.texels = new Uint8Array(4 * s.tw * s.th);
      for (let u = 0; u < s.n; u++) s.texels[this.texel(s, u) + 3] = 255; // a unit: dark until drawn
      if (!s.tex) s.tex = this.gl.createTexture();
      this.upload(s);
    });
    this.pos = pos;
    if (this.flat) { this.target = [x0 / 2, 0, 0]; this.zoom2d = 1; } else { // the whole stack in view: as far as its depth or its widest layer asks
      this.target = [0, 0, -(this.slabs.length - 1) * step / 2];
      this.dist = 0.8 * Math.max(this.slabs.length * step, ...this.slabs.map(q => q.width * 1.4));
    }
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.quadBuf); gl.bufferData(gl.ARRAY_BUFFER, quads, gl.STATIC_DRAW);
  }

  // The byte offset of unit u's texel in its slab's texture (channels tiled in rows of `cols` maps).
  texel(s, u) {
    const HW = s.H * s.W, c = Math.floor(u / HW), y = Math.floor((u % HW) / s.W), x = u % s.W;
    return 4 * ((Math.floor(c / s.cols) * (s.H + s.gap) + y) * s.tw + (c % s.cols) * (s.W + s.gap) + x);
  }

  upload(s) {
    const gl = this.gl;
    gl.bindTexture(gl.TEXTURE_2D, s.tex);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, s.tw, s.th, 0, gl.RGBA, gl.UNSIGNED_BYTE, s.texels);
    for (const [k, v] of [[gl.TEXTURE_MIN_FILTER, gl.NEAREST], [gl.TEXTURE_MAG_FILTER, gl.NEAREST], [gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE], [gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE]]) gl.texParameteri(gl.TEXTURE_2D, k, v);
  }

  setFlat(flat) { if (!this.gl || flat === this.flat) return; this.flat = flat; this.layout(); this.setActivations(this.image, this.acts); this.hover = null; this.links = []; }

  // One answer to a drawing: the 28×28 image and every layer's activations (by Sequential index).
  setActivations(image, acts) {
    if (!this.gl || !image) return;
    this.image = image; this.acts = acts;
    for (const s of this.slabs) {
      const a = this.values(s), n = s.n;
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < n; i++) { lo = Math.min(lo, a[i]); hi = Math.max(hi, a[i]); }
      const span = hi - lo || 1;
      for (let i = 0; i < n; i++) s.texels[this.texel(s, i)] = Math.round(255 * (a[i] - lo) / span);
      this.upload(s);
    }
    if (this.hover) this.showHover();
  }

  values(s) { return s.index < 0 ? this.image : this.acts[s.index]; }

  // The values below layer index L: the layer before it in the network (the image below the first).
  below(index) { return index === 0 ? this.image : this.acts[index - 1]; }

  matrix() {
    const a = this.canvas.width / this.canvas.height;
    if (this.flat) {
      const w = this.slabs.reduce((m, s) => m + s.width + 25, 0) / 2 / this.zoom2d, h = w / a, [tx, ty] = this.target;
      return ortho(tx - w, tx + w, ty - h, ty + h);
    }
    const [tx, ty, tz] = this.target, d = this.dist;
    const eye = [tx + d * Math.sin(this.yaw) * Math.cos(this.pitch), ty + d * Math.sin(this.pitch), tz + d * Math.cos(this.yaw) * Math.cos(this.pitch)];
    return mul(perspective(0.8, a, 1, 4000), lookAt(eye, this.target));
  }

  draw() {
    const gl = this.gl;
    if (!gl || !this.slabs) return;
    const cv = this.canvas, w = cv.clientWidth | 0, h = cv.clientHeight | 0;
    if (w && h && (cv.width !== w || cv.height !== h)) { cv.width = w; cv.height = h; }
    gl.viewport(0, 0, cv.width, cv.height);
    gl.clearColor(0.97, 0.97, 0.96, 1); gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    gl.enable(gl.DEPTH_TEST);
    const m = this.mvp = this.matrix();
    let p = this.slabProg;
    gl.useProgram(p.prog);
    gl.uniformMatrix4fv(p.u.mvp, false, m);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.quadBuf);
    gl.enableVertexAttribArray(p.a.pos); gl.vertexAttribPointer(p.a.pos, 3, gl.FLOAT, false, 20, 0);
    gl.enableVertexAttribArray(p.a.uv); gl.vertexAttribPointer(p.a.uv, 2, gl.FLOAT, false, 20, 12);
    gl.activeTexture(gl.TEXTURE0); gl.uniform1i(p.u.tex, 0);
    this.slabs.forEach((s, k) => { gl.bindTexture(gl.TEXTURE_2D, s.tex); gl.uniform2f(p.u.size, s.tw, s.th); gl.drawArrays(gl.TRIANGLES, 6 * k, 6); });
    gl.disableVertexAttribArray(p.a.uv);
    this.drawLinks();
  }

  // Unit k's place on the canvas in canvas pixels, and its clip w (≤ 0: behind the eye).
  project(k) {
    const m = this.mvp, x = this.pos[3 * k], y = this.pos[3 * k + 1], z = this.pos[3 * k + 2];
    const w = m[3] * x + m[7] * y + m[11] * z + m[15];
    return [((m[0] * x + m[4] * y + m[8] * z + m[12]) / w + 1) * this.canvas.width / 2, (1 - (m[1] * x + m[5] * y + m[9] * z + m[13]) / w) * this.canvas.height / 2, w];
  }

  // The hovered unit's incoming links on the overlay: red where weight × input > 0, blue where < 0, wide and opaque as its size.
  drawLinks() {
    const o = this.overlay, g = o.getContext('2d');
    if (o.width !== this.canvas.width || o.height !== this.canvas.height) { o.width = this.canvas.width; o.height = this.canvas.height; }
    g.clearRect(0, 0, o.width, o.height);
    if (!this.links.length) return;
    const [tx, ty, tw] = this.project(this.linkTo);
    if (tw <= 0) return;
    for (const [from, v] of this.links) {
      const [fx, fy, fw] = this.project(from), a = Math.abs(v) / this.linkMax;
      if (fw <= 0) continue;
      g.strokeStyle = v >= 0 ? `rgba(215,25,28,${0.15 + 0.85 * a})` : `rgba(30,80,220,${0.15 + 0.85 * a})`;
      g.lineWidth = 0.4 + 3.6 * a;
      g.beginPath(); g.moveTo(fx, fy); g.lineTo(tx, ty); g.stroke();
    }
  }

  listen() {
    const cv = this.canvas;
    let drag = null;
    cv.addEventListener('contextmenu', e => e.preventDefault());
    cv.addEventListener('pointerdown', e => { drag = { x: e.clientX, y: e.clientY, pan: e.button === 2 || e.shiftKey || this.flat }; cv.setPointerCapture(e.pointerId); });
    cv.addEventListener('pointerup', () => { drag = null; });
    cv.addEventListener('pointermove', e => {
      if (drag) {
        const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
        drag.x = e.clientX; drag.y = e.clientY;
        if (drag.pan) this.pan(dx, dy);
        else { this.yaw -= dx * 0.008; this.pitch = Math.max(-1.4, Math.min(1.4, this.pitch + dy * 0.008)); }
        return;
      }
      const r = cv.getBoundingClientRect();
      this.pick(e.clientX - r.left, e.clientY - r.top);
    });
    cv.addEventListener('wheel', e => {
      e.preventDefault();
      const f = Math.exp(e.deltaY * 0.001);
      if (this.flat) this.zoom2d = Math.max(0.5, Math.min(40, this.zoom2d / f)); else this.dist = Math.max(20, Math.min(2000, this.dist * f));
    }, { passive: false });
  }

  pan(dx, dy) {
    const s = this.flat ? this.slabs.reduce((m, x) => m + x.width + 25, 0) / this.zoom2d / this.canvas.width : this.dist / 500;
    if (this.flat) { this.target[0] -= dx * s; this.target[1] += dy * s; return; }
    const right = [Math.cos(this.yaw), 0, -Math.sin(this.yaw)];
    this.target = [this.target[0] - right[0] * dx * s, this.target[1] + dy * s, this.target[2] - right[2] * dx * s];
  }

  // The unit nearest the pointer on screen (within 8 px; the nearest to the eye when several are).
  pick(px, py) {
    if (!this.mvp || !this.acts) return;
    const m = this.mvp, W = this.canvas.width, H = this.canvas.height, pos = this.pos;
    let best = -1, bestD = 64, bestW = Infinity;
    for (let i = 0; i < this.count; i++) {
      const x = pos[3 * i], y = pos[3 * i + 1], z = pos[3 * i + 2];
      const cw = m[3] * x + m[7] * y + m[11] * z + m[15];
      if (cw <= 0) continue;
      const sx = ((m[0] * x + m[4] * y + m[8] * z + m[12]) / cw + 1) * W / 2, sy = (1 - (m[1] * x + m[5] * y + m[9] * z + m[13]) / cw) * H / 2;
      const d = (sx - px) ** 2 + (sy - py) ** 2;
      if (d < bestD || (d < 64 && d === bestD && cw < bestW)) { best = i; bestD = d; bestW = cw; }
    }
    if (best < 0) return;
    const s = this.slabs.findLast(q => q.offset <= best), i = best - s.offset;
    if (this.hover && this.hover.slab === s && this.hover.i === i) return;
    const HW = s.H * s.W;
    this.hover = { slab: s, i, c: Math.floor(i / HW), y: Math.floor((i % HW) / s.W), x: i % s.W };
    const l = s.index >= 0 ? this.model.layers.find(q => q.index === s.index) : null;
    if (l && l.hasWeights) this.askUnit(s.index, s.shape.length === 3 ? this.hover.c : i); // the reply comes to onUnit
    this.showHover();
  }

  onUnit(m) {
    if (this.hover && this.hover.slab.index === m.layer) { this.weights = m; this.showHover(); }
  }

  // The hovered unit's text, patch and incoming links (from the layer below it in the picture).
  showHover() {
    const h = this.hover, s = h.slab, value = this.values(s)[h.i];
    const where = s.shape.length === 3 ? `channel ${h.c}, row ${h.y}, column ${h.x}` : `unit ${h.i}`;
    let text = `${s.index < 0 ? 'input pixel' : `layer ${s.index}: ${s.about ?? s.name}`}, ${where}: value ${value.toFixed(4)}`;
    const links = []; // [input position index, contribution]
    const below = s.index >= 0 ? this.below(s.index) : null, prev = this.slabBelow(s);
    const w = this.weights && this.weights.layer === s.index && (s.shape.length === 3 ? this.weights.unit === h.c : this.weights.unit === h.i) ? this.weights : null;
    let patch = null;
    if (s.index >= 0 && w && w.shape.length === 3) {
      const [Ci, k] = w.shape, st = w.stride, pd = w.padding, Hi = prev.H, Wi = prev.W;
      let sum = w.bias;
      patch = { k, v: new Float32Array(k * k) };
      for (let c = 0; c < Ci; c++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
        const y = h.y * st + ky - pd, x = h.x * st + kx - pd;
        if (y < 0 || y >= Hi || x < 0 || x >= Wi) continue;
        const j = (c * Hi + y) * Wi + x, xv = below[j], wx = w.weights[(c * k + ky) * k + kx] * xv;
        sum += wx; links.push([prev.offset + j, wx]); patch.v[ky * k + kx] += xv / Ci;
      }
      text += ` · Σw·x + b = ${sum.toFixed(4)} (bias ${w.bias.toFixed(3)}, ${Ci}×${k}×${k} weights over the patch below)`;
    } else if (s.index >= 0 && w) {
      let sum = w.bias;
      for (let j = 0; j < w.weights.length; j++) { const wx = w.weights[j] * below[j]; sum += wx; links.push([prev.offset + j, wx]); }
      text += ` · Σw·x + b = ${sum.toFixed(4)} (bias ${w.bias.toFixed(3)}, ${w.weights.length} weights)`;
      if (w.weights.length === 784) patch = { k: 28, v: below };
    } else if (s.index >= 0 && prev) {
      // no weights: ReLU (the unit below) or pooling (its window)
      const f = prev.H / s.H | 0 || 1;
      for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) {
        const j = (h.c * prev.H + h.y * f + dy) * prev.W + h.x * f + dx;
        if (j < prev.n) links.push([prev.offset + j, below[j]]);
      }
      text += f > 1 ? ` · the largest of the ${f}×${f} window below` : ' · the unit below, through the activation';
    }
    this.info.textContent = text;
    this.info.dataset.value = value;
    this.info.dataset.sum = text.includes('Σw·x + b') ? /Σw·x \+ b = (-?[\d.]+)/.exec(text)[1] : '';
    this.info.dataset.links = links.length;
    this.drawPatch(patch);
    this.setLinks(links, s.offset + h.i);
  }

  // Where unit i of the layer with Sequential index `index` (−1: the input) is on the page, in client pixels (for tests and tours).
  screenOf(index, i) {
    const s = this.slabs.find(q => q.index === index), [x, y] = this.project(s.offset + i), r = this.canvas.getBoundingClientRect();
    return [r.left + x * r.width / this.canvas.width, r.top + y * r.height / this.canvas.height];
  }

  slabBelow(s) { const k = this.slabs.indexOf(s); return k > 0 ? this.slabs[k - 1] : null; }

  drawPatch(p) {
    const cv = this.patch, g = cv.getContext('2d');
    g.clearRect(0, 0, cv.width, cv.height);
    if (!p) return;
    let lo = Infinity, hi = -Infinity;
    for (const v of p.v) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const c = cv.width / p.k, span = hi - lo || 1;
    for (let y = 0; y < p.k; y++) for (let x = 0; x < p.k; x++) {
      const v = Math.round(255 * (p.v[y * p.k + x] - lo) / span);
      g.fillStyle = `rgb(${v},${v},${v})`; g.fillRect(x * c, y * c, Math.ceil(c), Math.ceil(c));
    }
  }

  setLinks(links, to) { this.links = links; this.linkTo = to; this.linkMax = links.reduce((m, l) => Math.max(m, Math.abs(l[1])), 1e-9); }
}

function grid(n) { const w = Math.ceil(Math.sqrt(n)); return [Math.ceil(n / w), w]; }
function program(gl, vs, fs) {
  const p = gl.createProgram();
  for (const [type, src] of [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]]) {
    const s = gl.createShader(type); gl.shaderSource(s, src); gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s));
    gl.attachShader(p, s);
  }
  gl.linkProgram(p);
  const a = {}, u = {};
  for (let i = 0; i < gl.getProgramParameter(p, gl.ACTIVE_ATTRIBUTES); i++) { const n = gl.getActiveAttrib(p, i).name; a[n] = gl.getAttribLocation(p, n); }
  for (let i = 0; i < gl.getProgramParameter(p, gl.ACTIVE_UNIFORMS); i++) { const n = gl.getActiveUniform(p, i).name; u[n] = gl.getUniformLocation(p, n); }
  return { prog: p, a, u };
}
// Column-major 4×4 matrices, as WebGL takes them.
function mul(a, b) {
  const r = new Float32Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) { let s = 0; for (let k = 0; k < 4; k++) s += a[k * 4 + j] * b[i * 4 + k]; r[i * 4 + j] = s; }
  return r;
}
function perspective(fovy, aspect, near, far) {
  const f = 1 / Math.tan(fovy / 2), nf = 1 / (near - far);
  return new Float32Array([f / aspect, 0, 0, 0, 0, f, 0, 0, 0, 0, (far + near) * nf, -1, 0, 0, 2 * far * near * nf, 0]);
}
function ortho(l, r, b, t) { return new Float32Array([2 / (r - l), 0, 0, 0, 0, 2 / (t - b), 0, 0, 0, 0, -0.001, 0, -(r + l) / (r - l), -(t + b) / (t - b), 0, 1]); }
function lookAt(eye, at) {
  const sub = (a, b) => a.map((v, i) => v - b[i]), norm = v => { const n = Math.hypot(...v) || 1; return v.map(x => x / n); };
  const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const z = norm(sub(eye, at)), x = norm(cross([0, 1, 0], z)), y = cross(z, x);
  return new Float32Array([x[0], y[0], z[0], 0, x[1], y[1], z[1], 0, x[2], y[2], z[2], 0, -dot(x, eye), -dot(y, eye), -dot(z, eye), 1]);
}
