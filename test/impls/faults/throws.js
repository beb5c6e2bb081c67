// forward throws on its first line.
export function forward(args) {
  return args.input.nope.length;
}
