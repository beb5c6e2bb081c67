import { Chalk, type ChalkInstance } from "chalk";

/** Colour only on a terminal, and never with NO_COLOR or --no-color. */
export function colorFor(stream: NodeJS.WriteStream, enabled: boolean): ChalkInstance {
  const env = process.env.NO_COLOR;
  const on = enabled && stream.isTTY === true && (env === undefined || env === "");
  return new Chalk({ level: on ? 1 : 0 });
}

/** Write and let the process end by itself, so a pipe receives everything. */
export function write(stream: NodeJS.WriteStream, text: string): void {
  stream.write(text);
}
