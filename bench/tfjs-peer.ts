import type { BenchCase } from "./cases.js";
import { steadyMs } from "./measure.js";

type Tf = typeof import("@tensorflow/tfjs");
type Tensor4D = import("@tensorflow/tfjs").Tensor4D;
type Tensor1D = import("@tensorflow/tfjs").Tensor1D;

export interface PeerTimes {
  forwardMs: number;
  gradientMs: number;
  /** Largest |tfjs - convcheck| over the outputs, relative to the largest |output|. */
  disagreement: number;
}

/** NCHW values (flat) to an NHWC tensor, and OIHW filter values to HWIO. */
function layouts(tf: Tf, c: BenchCase, input: Float64Array, filter: Float64Array) {
  const [batch, channels, height, width] =
    c.input.length === 4 ? c.input : c.input.length === 3 ? [1, ...c.input] : [1, 1, ...c.input];
  const [outChannels, inChannels, kernelHeight, kernelWidth] =
    c.filter.length === 4 ? c.filter : [1, 1, ...c.filter];
  const x = tf
    .tensor4d(Float32Array.from(input), [batch, channels, height, width])
    .transpose([0, 2, 3, 1]);
  const w = tf
    .tensor4d(Float32Array.from(filter), [outChannels, inChannels, kernelHeight, kernelWidth])
    .transpose([2, 3, 1, 0]);
  return { x: tf.keep(x), w: tf.keep(w), outChannels };
}

/**
 * TensorFlow.js's CPU backend (float32) on the same layer: the forward pass,
 * and the gradients of E = 1/2 sum (O - T)^2 with respect to the input,
 * filter and bias (tf.grads, which runs its own forward pass first). Its
 * conv2d takes no stride together with a dilation and has no gradient for a
 * dilation, so a dilated layer runs there with the filter spread out to its
 * dilated span (zeros between the taps), the usual way around both.
 */
export async function tfjsTimes(
  c: BenchCase,
  data: {
    input: Float64Array;
    filter: Float64Array;
    bias: Float64Array | null;
    target: Float64Array;
  },
  outShape: number[],
  reference: Float64Array,
): Promise<PeerTimes> {
  const tf = await import("@tensorflow/tfjs");
  await tf.setBackend("cpu");
  const { x, w, outChannels } = layouts(tf, c, data.input, data.filter);
  const b = tf.keep(tf.tensor1d(Float32Array.from(data.bias ?? new Float64Array(outChannels))));
  const [batch, , outHeight, outWidth] =
    outShape.length === 4
      ? outShape
      : outShape.length === 3
        ? [1, ...outShape]
        : [1, 1, ...outShape];
  const t = tf.keep(
    tf
      .tensor4d(Float32Array.from(data.target), [batch, outChannels, outHeight, outWidth])
      .transpose([0, 2, 3, 1]),
  );
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [c.padding, c.padding],
    [c.padding, c.padding],
    [0, 0],
  ];
  // The filter spread out to its dilated span, zeros between the taps
  // (pad and reshape, which have gradients).
  const spread = (ws: Tensor4D): Tensor4D => {
    const d = c.dilation;
    const [kh, kw, ci, co] = ws.shape;
    const apart = tf.pad(tf.reshape(ws, [kh, 1, kw, 1, ci, co]), [
      [0, 0],
      [0, d - 1],
      [0, 0],
      [0, d - 1],
      [0, 0],
      [0, 0],
    ]);
    const flat = tf.reshape(apart, [kh * d, kw * d, ci, co]);
    return tf.slice(flat, [0, 0, 0, 0], [d * (kh - 1) + 1, d * (kw - 1) + 1, ci, co]);
  };
  const conv = (xs: Tensor4D, ws: Tensor4D, bs: Tensor1D) => {
    const raw =
      c.dilation > 1
        ? tf.conv2d(xs, spread(ws), c.stride, pad, "NHWC")
        : tf.conv2d(xs, ws, c.stride, pad, "NHWC");
    return tf.add(raw, bs) as Tensor4D;
  };
  const nchw = tf.tidy(() => conv(x, w, b).transpose([0, 3, 1, 2]).dataSync());
  let largest = 0;
  let worst = 0;
  reference.forEach((v, i) => {
    largest = Math.max(largest, Math.abs(v));
    worst = Math.max(worst, Math.abs(v - nchw[i]));
  });
  const forwardMs = steadyMs(() => tf.tidy(() => conv(x, w, b).dataSync()), 15, 200, 2);
  const grads = tf.grads((xs, ws, bs) =>
    tf.mul(0.5, tf.sum(tf.square(tf.sub(conv(xs as never, ws as never, bs as never), t)))),
  );
  const gradientMs = steadyMs(
    () =>
      tf.tidy(() => {
        for (const g of grads([x, w, b])) g.dataSync();
      }),
    c.numerical ? 5 : 3,
    200,
    1,
  );
  tf.dispose([x, w, b, t]);
  return { forwardMs, gradientMs, disagreement: worst / largest };
}
