import type { Piscina } from "piscina";
import { type NumericalRunner, runInThread } from "../core/check.js";
import {
  CellEvaluator,
  numericalGradient,
  numericalWork,
  type Problem,
} from "../core/numerical.js";
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
/** Chunks handed to each pool thread at a time. */
const IN_FLIGHT = 2;

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
 * Numerical gradients spread over the main thread and worker threads, in
 * chunks of elements; each element's value comes from the same code whichever thread runs it,
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
          minThreads: settings.workers - 1,
          maxThreads: settings.workers - 1,
          // A thread holds its next chunk while it runs one, so it never
          // waits for the main thread to finish a chunk of its own.
          concurrentTasksPerWorker: IN_FLIGHT,
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

  // The main thread is one of the `workers` threads: it takes chunks from the
  // same queue as the pool's threads, so a two-core machine starts one thread.
  const poolThreads = settings.workers - 1;
  const localEvaluators = new WeakMap<Problem, CellEvaluator>();
  const localEvaluator = (problem: Problem) => {
    let evaluator = localEvaluators.get(problem);
    if (!evaluator) {
      evaluator = new CellEvaluator(problem);
      localEvaluators.set(problem, evaluator);
    }
    return evaluator;
  };

  const runner: NumericalRunner = async (problem, tensor, elements, step, onProgress) => {
    const perElement = Math.max(1, numericalWork(problem.geo, tensor));
    const work = perElement * elements.length;
    const wanted = pool ? MIN_POOLED_WORK : poolWork;
    if (poolThreads <= 0 || elements.length === 0 || work < wanted) {
      return runInThread(problem, tensor, elements, step, onProgress);
    }
    const active = await startPool();
    const { id, problem: sharedProblem } = share(problem);
    const chunk = Math.max(1, Math.floor(CHUNK_WORK / perElement));
    const count = Math.ceil(elements.length / chunk);
    const parts = new Array<Float64Array>(count);
    const slice = (i: number) => elements.slice(i * chunk, (i + 1) * chunk);
    let next = 0;
    const onPool = async () => {
      for (let i = next++; i < count; i = next++) {
        const elementsOfTask = slice(i);
        const task: Task = { id, problem: sharedProblem, tensor, elements: elementsOfTask, step };
        pooledTasks++;
        parts[i] = await active.run(task);
        onProgress?.(elementsOfTask.length);
      }
    };
    const onMain = async () => {
      // The pool's threads take the first chunks; between its own chunks the
      // main thread lets their answers and the progress bar through.
      for (let i = next++; i < count; i = next++) {
        const elementsOfTask = slice(i);
        parts[i] = numericalGradient(localEvaluator(sharedProblem), tensor, elementsOfTask, step);
        onProgress?.(elementsOfTask.length);
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const pumps = Array.from({ length: poolThreads * IN_FLIGHT }, onPool);
    await Promise.all([...pumps, onMain()]);
    const result = new Float64Array(elements.length);
    let offset = 0;
    for (const values of parts) {
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
