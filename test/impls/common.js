// A plain direct-sum convolution layer written for the test implementations,
// independent of convcheck's own code. Each deliberately wrong implementation
// in this folder calls it with one setting changed, the way the mistake it
// stands for changes the computation.

function shapeOf(value) {
  const shape = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  return shape;
}

function flatten(value, out = []) {
  if (!Array.isArray(value)) out.push(value);
  else for (const v of value) flatten(v, out);
  return out;
}

export function nest(flat, shape) {
  if (shape.length === 1) return flat.slice(0, shape[0]);
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, i) =>
    nest(flat.slice(i * inner, (i + 1) * inner), shape.slice(1)),
  );
}

/** Everything about the call, with tensors as flat NCHW arrays. */
export function layer(args, change = {}) {
  const inShape = shapeOf(args.input);
  const fShape = shapeOf(args.filter);
  const [N, C, H, W] =
    inShape.length === 4 ? inShape : inShape.length === 3 ? [1, ...inShape] : [1, 1, ...inShape];
  const [Co, Cg, KH, KW] = fShape.length === 4 ? fShape : [1, 1, ...fShape];
  const [sh, sw] = args.stride;
  const [pt, pb, pl, pr] = args.padding;
  const [dh, dw] = args.dilation;
  const L = {
    N,
    C,
    H,
    W,
    Co,
    Cg,
    KH,
    KW,
    G: args.groups,
    sh,
    sw,
    pt,
    pb,
    pl,
    pr,
    dh,
    dw,
    rotate: false,
    bias: true,
    inShape,
    fShape,
    ...change,
  };
  L.OH ??= Math.floor((H + pt + pb - (dh * (KH - 1) + 1)) / sh) + 1;
  L.OW ??= Math.floor((W + pl + pr - (dw * (KW - 1) + 1)) / sw) + 1;
  L.outShape =
    inShape.length === 4
      ? [N, Co, L.OH, L.OW]
      : inShape.length === 3 || Co > 1
        ? [Co, L.OH, L.OW]
        : [L.OH, L.OW];
  L.x = flatten(args.input);
  L.w = flatten(args.filter);
  L.b = args.bias ? [...args.bias] : null;
  return L;
}

/** Calls visit(o, i, f) for every tap that lands inside the input. */
function eachTap(L, visit) {
  const { N, C, H, W, Co, Cg, KH, KW, OH, OW, sh, sw, pt, pl, dh, dw, rotate } = L;
  const perGroup = Co / L.G;
  for (let n = 0; n < N; n++)
    for (let co = 0; co < Co; co++)
      for (let c = 0; c < Cg; c++) {
        const ci = Math.floor(co / perGroup) * Cg + c;
        for (let oy = 0; oy < OH; oy++)
          for (let ox = 0; ox < OW; ox++)
            for (let ky = 0; ky < KH; ky++) {
              const iy = oy * sh - pt + ky * dh;
              if (iy < 0 || iy >= H) continue;
              const fy = rotate ? KH - 1 - ky : ky;
              for (let kx = 0; kx < KW; kx++) {
                const ix = ox * sw - pl + kx * dw;
                if (ix < 0 || ix >= W) continue;
                const fx = rotate ? KW - 1 - kx : kx;
                visit(
                  ((n * Co + co) * OH + oy) * OW + ox,
                  ((n * C + ci) * H + iy) * W + ix,
                  ((co * Cg + c) * KH + fy) * KW + fx,
                );
              }
            }
      }
}

export function forwardFlat(L) {
  const plane = L.OH * L.OW;
  const out = Array.from({ length: L.N * L.Co * plane }, (_, o) =>
    L.b && L.bias ? L.b[Math.floor(o / plane) % L.Co] : 0,
  );
  const { x, w } = L;
  eachTap(L, (o, i, f) => {
    out[o] += x[i] * w[f];
  });
  return out;
}

export function backwardFlat(L, gradOutput) {
  const g = flatten(gradOutput);
  const dw = L.w.map(() => 0);
  const dx = L.x.map(() => 0);
  eachTap(L, (o, i, f) => {
    dw[f] += g[o] * L.x[i];
    dx[i] += g[o] * L.w[f];
  });
  const plane = L.OH * L.OW;
  const db = L.b ? L.b.map(() => 0) : null;
  if (db)
    g.forEach((v, o) => {
      db[Math.floor(o / plane) % L.Co] += v;
    });
  return { filter: dw, input: dx, bias: db };
}

export function forward(args, change) {
  const L = layer(args, change);
  return nest(forwardFlat(L), L.outShape);
}

export function backward(args, change) {
  const L = layer(args, change);
  const grads = backwardFlat(L, args.gradOutput);
  const result = { filter: nest(grads.filter, L.fShape), input: nest(grads.input, L.inShape) };
  if (grads.bias) result.bias = grads.bias;
  return result;
}

/** Apply fn to every number of a nested array, returning a new one. */
export function map(value, fn) {
  return Array.isArray(value) ? value.map((v) => map(v, fn)) : fn(value);
}

/** Apply fn to every 2-D slice (the last two axes) of a nested array. */
export function mapSlices(value, fn) {
  return Array.isArray(value[0][0]) ? value.map((v) => mapSlices(v, fn)) : fn(value);
}
