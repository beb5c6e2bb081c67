// A correct implementation in TypeScript, on flat typed arrays: it returns
// Float64Arrays in row-major order, and its functions are async.
type Nested = number | Nested[];

interface Args {
  input: Nested;
  filter: Nested;
  bias?: number[];
  stride: [number, number];
  padding: [number, number, number, number];
  dilation: [number, number];
  groups: number;
  gradOutput?: Nested;
}

function shapeOf(value: Nested): number[] {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  return shape;
}

function flat(value: Nested): number[] {
  return Array.isArray(value) ? value.flatMap(flat) : [value];
}

function plan(args: Args) {
  const inShape = shapeOf(args.input);
  const fShape = shapeOf(args.filter);
  const [batch, channels, height, width] = [...Array(4 - inShape.length).fill(1), ...inShape];
  const [outChannels, perGroupIn, kernelHeight, kernelWidth] =
    fShape.length === 4 ? fShape : [1, 1, ...fShape];
  const [strideHeight, strideWidth] = args.stride;
  const [top, bottom, left, right] = args.padding;
  const [dilationHeight, dilationWidth] = args.dilation;
  const outHeight =
    Math.floor((height + top + bottom - dilationHeight * (kernelHeight - 1) - 1) / strideHeight) +
    1;
  const outWidth =
    Math.floor((width + left + right - dilationWidth * (kernelWidth - 1) - 1) / strideWidth) + 1;
  const outPerGroup = outChannels / args.groups;
  const taps: Array<[number, number, number]> = [];
  for (let n = 0; n < batch; n++)
    for (let co = 0; co < outChannels; co++)
      for (let c = 0; c < perGroupIn; c++) {
        const ci = Math.floor(co / outPerGroup) * perGroupIn + c;
        for (let oy = 0; oy < outHeight; oy++)
          for (let ox = 0; ox < outWidth; ox++)
            for (let ky = 0; ky < kernelHeight; ky++)
              for (let kx = 0; kx < kernelWidth; kx++) {
                const iy = oy * strideHeight - top + ky * dilationHeight;
                const ix = ox * strideWidth - left + kx * dilationWidth;
                if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
                taps.push([
                  ((n * outChannels + co) * outHeight + oy) * outWidth + ox,
                  ((n * channels + ci) * height + iy) * width + ix,
                  ((co * perGroupIn + c) * kernelHeight + ky) * kernelWidth + kx,
                ]);
              }
      }
  const outPlane = outHeight * outWidth;
  return { batch, outChannels, outPlane, taps };
}

export async function forward(args: Args): Promise<Float64Array> {
  const p = plan(args);
  const x = flat(args.input);
  const w = flat(args.filter);
  const out = new Float64Array(p.batch * p.outChannels * p.outPlane);
  if (args.bias)
    out.forEach((_, o) => {
      out[o] = args.bias![Math.floor(o / p.outPlane) % p.outChannels];
    });
  for (const [o, i, f] of p.taps) out[o] += x[i] * w[f];
  return out;
}

export async function backward(args: Args) {
  const p = plan(args);
  const x = flat(args.input);
  const w = flat(args.filter);
  const g = flat(args.gradOutput!);
  const input = new Float64Array(x.length);
  const filter = new Float64Array(w.length);
  for (const [o, i, f] of p.taps) {
    input[i] += g[o] * w[f];
    filter[f] += g[o] * x[i];
  }
  const bias = args.bias ? new Float64Array(args.bias.length) : undefined;
  if (bias)
    g.forEach((v, o) => {
      bias[Math.floor(o / p.outPlane) % p.outChannels] += v;
    });
  return { input, filter, bias };
}
