/** A dense row-major tensor: the shape and a flat view of its values. */
export interface Tensor {
  shape: number[];
  data: Float64Array;
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const extent of shape) size *= extent;
  return size;
}

export function zeros(shape: readonly number[]): Tensor {
  return { shape: [...shape], data: new Float64Array(sizeOf(shape)) };
}

/** Row-major strides: the flat distance between neighbours along each axis. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = step;
    step *= shape[axis];
  }
  return strides;
}

/** The multi-index of a flat position, for naming cells in reports. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index[axis] = flat % shape[axis];
    flat = Math.floor(flat / shape[axis]);
  }
  return index;
}

export function ravel(index: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let axis = 0; axis < shape.length; axis++) {
    flat = flat * shape[axis] + index[axis];
  }
  return flat;
}

export type Nested = number | null | Nested[];

/** Nested arrays in the tensor's shape, for reports and JSON. */
export function toNested(data: ArrayLike<number | null>, shape: readonly number[]): Nested {
  if (shape.length === 0) return data[0];
  const build = (axis: number, offset: number, span: number): Nested[] => {
    const extent = shape[axis];
    const inner = span / extent;
    const out: Nested[] = new Array(extent);
    for (let i = 0; i < extent; i++) {
      const start = offset + i * inner;
      out[i] = axis === shape.length - 1 ? data[start] : build(axis + 1, start, inner);
    }
    return out;
  };
  return build(0, 0, sizeOf(shape));
}

/** `[1][0][2]`: the cell's index as it is written in JSON paths and reports. */
export function formatIndex(index: readonly number[]): string {
  return index.map((i) => `[${i}]`).join("");
}
