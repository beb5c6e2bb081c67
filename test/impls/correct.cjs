// A correct implementation as a CommonJS module, written without the shared
// helpers: direct sums over NCHW nested arrays, any rank the fixture uses.
"use strict";

function dims(value) {
  const shape = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  return shape;
}

function as4d(value) {
  const rank = dims(value).length;
  return rank === 4 ? value : rank === 3 ? [value] : [[value]];
}

function setup(args) {
  const x = as4d(args.input);
  const f = dims(args.filter).length === 4 ? args.filter : [[args.filter]];
  const [N, C, H, W] = dims(x);
  const [Co, Cg, KH, KW] = dims(f);
  const [sh, sw] = args.stride;
  const [pt, pb, pl, pr] = args.padding;
  const [dh, dw] = args.dilation;
  const OH = Math.floor((H + pt + pb - dh * (KH - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + pl + pr - dw * (KW - 1) - 1) / sw) + 1;
  const perGroup = Co / args.groups;
  const taps = [];
  for (let n = 0; n < N; n++)
    for (let co = 0; co < Co; co++)
      for (let c = 0; c < Cg; c++)
        for (let oy = 0; oy < OH; oy++)
          for (let ox = 0; ox < OW; ox++)
            for (let ky = 0; ky < KH; ky++)
              for (let kx = 0; kx < KW; kx++) {
                const iy = oy * sh - pt + ky * dh;
                const ix = ox * sw - pl + kx * dw;
                if (iy >= 0 && iy < H && ix >= 0 && ix < W) {
                  taps.push([n, co, c, oy, ox, ky, kx, Math.floor(co / perGroup) * Cg + c, iy, ix]);
                }
              }
  return { x, f, N, C, H, W, Co, Cg, KH, KW, OH, OW, taps };
}

function zeros(shape) {
  return shape.length === 1
    ? new Array(shape[0]).fill(0)
    : Array.from({ length: shape[0] }, () => zeros(shape.slice(1)));
}

function shapedLike(value4d, original) {
  const rank = dims(original).length;
  return rank === 4 ? value4d : rank === 3 ? value4d[0] : value4d[0][0];
}

function forward(args) {
  const s = setup(args);
  const out = zeros([s.N, s.Co, s.OH, s.OW]);
  for (let n = 0; n < s.N; n++)
    for (let co = 0; co < s.Co; co++)
      for (const row of out[n][co]) row.fill(args.bias ? args.bias[co] : 0);
  for (const [n, co, c, oy, ox, ky, kx, ci, iy, ix] of s.taps) {
    out[n][co][oy][ox] += s.x[n][ci][iy][ix] * s.f[co][c][ky][kx];
  }
  const rank = dims(args.input).length;
  if (rank === 4) return out;
  return rank === 3 || s.Co > 1 ? out[0] : out[0][0];
}

function backward(args) {
  const s = setup(args);
  const g =
    as4d(args.gradOutput).length === s.N && dims(args.gradOutput).length === 4
      ? args.gradOutput
      : dims(args.gradOutput).length === 3
        ? [args.gradOutput]
        : [[args.gradOutput]];
  const dx = zeros([s.N, s.C, s.H, s.W]);
  const df = zeros([s.Co, s.Cg, s.KH, s.KW]);
  for (const [n, co, c, oy, ox, ky, kx, ci, iy, ix] of s.taps) {
    dx[n][ci][iy][ix] += g[n][co][oy][ox] * s.f[co][c][ky][kx];
    df[co][c][ky][kx] += g[n][co][oy][ox] * s.x[n][ci][iy][ix];
  }
  const result = {
    input: shapedLike(dx, args.input),
    filter: dims(args.filter).length === 4 ? df : df[0][0],
  };
  if (args.bias) {
    result.bias = args.bias.map((_, co) => {
      let sum = 0;
      for (let n = 0; n < s.N; n++) for (const row of g[n][co]) for (const v of row) sum += v;
      return sum;
    });
  }
  return result;
}

module.exports = { forward, backward };
