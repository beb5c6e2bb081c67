// A learner's single-channel convolution layer, with a bug of the kind
// `convcheck grad --impl` is for. Try:
//   npx convcheck grad fixtures/learner-5x5-k3-s2-p1.json --impl examples/my-conv.js

function at(image, row, col) {
  const line = image[row];
  return line === undefined || line[col] === undefined ? 0 : line[col];
}

function outputSize(size, pad, kernel, stride) {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

export function forward({ input, filter, stride, padding }) {
  const s = stride[0];
  const p = padding[0];
  const k = filter.length;
  const rows = outputSize(input.length, p, k, s);
  const cols = outputSize(input[0].length, p, k, s);
  const out = [];
  for (let i = 0; i < rows; i++) {
    out.push([]);
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let x = 0; x < k; x++) {
        for (let y = 0; y < k; y++) {
          sum += at(input, i + x * s - p, j + y * s - p) * filter[x][y];
        }
      }
      out[i].push(sum);
    }
  }
  return out;
}

export function backward({ input, filter, stride, padding, gradOutput }) {
  const s = stride[0];
  const p = padding[0];
  const k = filter.length;
  const dFilter = filter.map((row) => row.map(() => 0));
  const dInput = input.map((row) => row.map(() => 0));
  gradOutput.forEach((row, i) => {
    row.forEach((g, j) => {
      for (let x = 0; x < k; x++) {
        for (let y = 0; y < k; y++) {
          const r = i * s + x - p;
          const c = j * s + y - p;
          if (r < 0 || r >= input.length || c < 0 || c >= input[0].length) continue;
          dFilter[x][y] += g * input[r][c];
          dInput[r][c] += g * filter[x][y];
        }
      }
    });
  });
  return { filter: dFilter, input: dInput };
}
