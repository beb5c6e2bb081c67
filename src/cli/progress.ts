import type { SingleBar } from "cli-progress";

/** Runs shorter than this finish without a bar. */
const QUIET_MS = 1000;

export interface Progress {
  plan(cells: number): void;
  advance(cells: number): void;
  stop(): void;
}

const silent: Progress = { plan() {}, advance() {}, stop() {} };

/**
 * A progress bar of numerical cells on `stream`, shown only on a terminal
 * and only once the run has lasted about a second; cleared before the report
 * is printed. Off a terminal (or for --json) nothing is drawn at all.
 */
export function progressOn(stream: NodeJS.WriteStream, enabled: boolean): Progress {
  if (!enabled || stream.isTTY !== true) return silent;
  // Loaded in the background; a run that ends within the quiet second never waits for it.
  let library: typeof import("cli-progress") | null = null;
  import("cli-progress").then(
    (loaded) => {
      library = loaded.default;
    },
    () => {},
  );
  const started = Date.now();
  let total = 0;
  let done = 0;
  let bar: SingleBar | null = null;
  const show = () => {
    if (bar || !library || Date.now() - started < QUIET_MS || done >= total) return;
    bar = new library.SingleBar(
      {
        stream,
        format: "checking {bar} {percentage}% | {value}/{total} cells | {eta_formatted} left",
        clearOnComplete: true,
        hideCursor: true,
        etaBuffer: 50,
      },
      library.Presets.shades_classic,
    );
    bar.start(total, done);
  };
  return {
    plan(cells) {
      total += cells;
      bar?.setTotal(total);
    },
    advance(cells) {
      done += cells;
      show();
      bar?.update(done);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
