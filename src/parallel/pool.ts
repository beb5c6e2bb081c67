import type { Piscina } from "piscina";
import { type NumericalRunner, runInThread } from "../core/check.js";
import { numericalWork, type Problem } from "../core/numerical.js";
import type { Task } from "./worker.js";

/**
 * Work (multiply-adds) below which a numerical gradient runs on the main
 * thread: starting worker threads costs tens of milliseconds, more than a
 * small fixture's whole check. Once the pool is up, anything above
 * `MIN_POOLED_WORK` goes to it.
 */
export const POOL_WORK = 5e7;
const MIN_POOLED_WORK = 2e6;
/** Work per task: small enough to keep every thread busy to the end, large against dispatch. */
const CHUNK_WORK = 4e7;

export interface ParallelRunner {
  runner: NumericalRunner;
  /** Tasks sent to worker threads so far. */
  readonly pooledTasks: number;
  /**
   * Start the threads now if the problem's check (at most `cells` per tensor)
   * will use them, so that they start while the main thread loads and runs
   * the reference passes.
   */
  warm(problem: Problem, cells?: number): void;
  close(): Promise<void>;
}

export interface PoolSettings {
  workers: number;
  /** Override POOL_WORK (tests use 0 to force the pool). */
  poolWork?: number;
}

function shared(values: Float64Array): Float64Array {
  const copy = new Float64Array(new SharedArrayBuffer(values.byteLength));
  copy.set(values);
  return copy;
}

/**
 * Numerical gradients spread over worker threads, in chunks of elements;
 * each element's value comes from the same code whichever thread runs it,
 * so results do not depend on the number of workers. Results are put back
 * in the order of the elements asked for.
 */
export function parallelRunner(settings: PoolSettings): ParallelRunner {
  const poolWork = settings.poolWork ?? POOL_WORK;
  let pool: Promise<Piscina> | null = null;
  // Loaded on first use: a run of small fixtures never pays for it.
  const startPool = () =>
    (pool ??= import("piscina").then(
      ({ Piscina: Pool }) =>
        new Pool({
          filename: new URL("./worker.js", import.meta.url).href,
          minThreads: settings.workers,
          maxThreads: settings.workers,
        }),
    ));
  let pooledTasks = 0;
  let nextId = 1;
  const sharedProblems = new WeakMap<Problem, { id: number; problem: Problem }>();

  const share = (problem: Problem) => {
    let entry = sharedProblems.get(problem);
    if (!entry) {
      entry = {
        id: nextId++,
        problem: {
          geo: problem.geo,
          input: shared(problem.input),
          filter: shared(problem.filter),
          bias: problem.bias ? shared(problem.bias) : null,
          target: shared(problem.target),
        },
      };
      sharedProblems.set(problem, entry);
    }
    return entry;
  };

  const runner: NumericalRunner = async (problem, tensor, elements, step, onProgress) => {
    const perElement = Math.max(1, numericalWork(problem.geo, tensor));
    const work = perElement * elements.length;
    const wanted = pool ? MIN_POOLED_WORK : poolWork;
    if (settings.workers <= 1 || elements.length === 0 || work < wanted) {
      return runInThread(problem, tensor, elements, step, onProgress);
    }
    const active = await startPool();
    const { id, problem: sharedProblem } = share(problem);
    const chunk = Math.max(1, Math.floor(CHUNK_WORK / perElement));
    const parts: Array<Promise<Float64Array>> = [];
    for (let start = 0; start < elements.length; start += chunk) {
      const slice = elements.slice(start, start + chunk);
      const task: Task = { id, problem: sharedProblem, tensor, elements: slice, step };
      pooledTasks++;
      parts.push(
        active.run(task).then((values: Float64Array) => {
          onProgress?.(slice.length);
          return values;
        }),
      );
    }
    const result = new Float64Array(elements.length);
    let offset = 0;
    for (const values of await Promise.all(parts)) {
      result.set(values, offset);
      offset += values.length;
    }
    return result;
  };

  return {
    runner,
    get pooledTasks() {
      return pooledTasks;
    },
    warm(problem, cells) {
      if (settings.workers <= 1 || pool) return;
      const tensors = ["filter", "input", "bias"] as const;
      let work = 0;
      for (const name of tensors) {
        const size = problem[name]?.length ?? 0;
        work += numericalWork(problem.geo, name) * Math.min(size, cells ?? size);
      }
      if (work >= poolWork) startPool();
    },
    async close() {
      const started = pool;
      pool = null;
      if (started) await (await started).destroy();
    },
  };
}
