/** One benchmark geometry, in the fixture's own terms. */
export interface BenchCase {
  name: string;
  input: number[];
  filter: number[];
  stride: number;
  padding: number;
  dilation: number;
  bias: boolean;
  /** Run the numerical check (false for the large stem: forward and gradients only). */
  numerical: boolean;
  /** Also time PyTorch's gradcheck on this case. */
  gradcheck: boolean;
}

/** A case with the usual settings: stride 1, no padding or dilation, a bias, the full check. */
function layer(
  name: string,
  input: number[],
  filter: number[],
  settings: Partial<Omit<BenchCase, "name" | "input" | "filter">> = {},
): BenchCase {
  return {
    name,
    input,
    filter,
    stride: 1,
    padding: 0,
    dilation: 1,
    bias: true,
    numerical: true,
    gradcheck: false,
    ...settings,
  };
}

export const CASES: BenchCase[] = [
  layer("5x5 k3 s2 p1", [5, 5], [3, 3], { stride: 2, padding: 1, bias: false }),
  layer("LeNet-5 C1", [1, 32, 32], [6, 1, 5, 5]),
  layer("3x32x32 k8x3x3x3", [3, 32, 32], [8, 3, 3, 3], { padding: 1, gradcheck: true }),
  layer("16x28x28 k16x16x5x5 s2 p2", [16, 28, 28], [16, 16, 5, 5], {
    stride: 2,
    padding: 2,
    gradcheck: true,
  }),
  layer("2x8x64x64 k16x8x3x3 s2 p1 d2", [2, 8, 64, 64], [16, 8, 3, 3], {
    stride: 2,
    padding: 1,
    dilation: 2,
    gradcheck: true,
  }),
  // Forward and gradients only: its numerical check would take minutes.
  layer("3x224x224 k64x3x7x7 s2 p3", [3, 224, 224], [64, 3, 7, 7], {
    stride: 2,
    padding: 3,
    bias: false,
    numerical: false,
  }),
];
