import {
  CellEvaluator,
  numericalGradient,
  type Problem,
  type TensorName,
} from "../core/numerical.js";

/** One slice of a tensor's numerical gradient; the problem's arrays are shared memory. */
export interface Task {
  id: number;
  problem: Problem;
  tensor: TensorName;
  elements: Int32Array;
  step: number;
}

/** Problems whose columns this thread keeps: fixtures checked side by side interleave. */
const KEPT = 4;
const evaluators = new Map<number, CellEvaluator>();

export default function run(task: Task): Float64Array {
  let evaluator = evaluators.get(task.id);
  if (!evaluator) {
    evaluator = new CellEvaluator(task.problem);
    evaluators.set(task.id, evaluator);
    if (evaluators.size > KEPT) evaluators.delete(evaluators.keys().next().value as number);
  }
  return numericalGradient(evaluator, task.tensor, task.elements, task.step);
}
