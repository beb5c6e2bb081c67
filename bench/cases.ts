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

export const CASES: BenchCase[] = [
  {
    name: "5x5 k3 s2 p1",
    input: [5, 5],
    filter: [3, 3],
    stride: 2,
    padding: 1,
    dilation: 1,
    bias: false,
    numerical: true,
    gradcheck: false,
  },
  {
    name: "LeNet-5 C1",
    input: [1, 32, 32],
    filter: [6, 1, 5, 5],
    stride: 1,
    padding: 0,
    dilation: 1,
    bias: true,
    numerical: true,
    gradcheck: false,
  },
  {
    name: "3x32x32 k8x3x3x3",
    input: [3, 32, 32],
    filter: [8, 3, 3, 3],
    stride: 1,
    padding: 1,
    dilation: 1,
    bias: true,
    numerical: true,
    gradcheck: true,
  },
  {
    name: "16x28x28 k16x16x5x5 s2 p2",
    input: [16, 28, 28],
    filter: [16, 16, 5, 5],
    stride: 2,
    padding: 2,
    dilation: 1,
    bias: true,
    numerical: true,
    gradcheck: true,
  },
  {
    name: "2x8x64x64 k16x8x3x3 s2 p1 d2",
    input: [2, 8, 64, 64],
    filter: [16, 8, 3, 3],
    stride: 2,
    padding: 1,
    dilation: 2,
    bias: true,
    numerical: true,
    gradcheck: true,
  },
  {
    name: "3x224x224 k64x3x7x7 s2 p3",
    input: [3, 224, 224],
    filter: [64, 3, 7, 7],
    stride: 2,
    padding: 3,
    dilation: 1,
    bias: false,
    numerical: false,
    gradcheck: false,
  },
];
