/** What a diagnosis is about: the forward pass's output or one gradient. */
export type DiagnosedTensor = "output" | "filter" | "input" | "bias";

export type DiagnosisCode =
  | "forward-mismatch"
  | "gradient-mismatch"
  | "matches-reference"
  | "follows-forward"
  | "convolution"
  | "scale"
  | "sign"
  | "zero"
  | "flipped"
  | "transposed"
  | "shifted"
  | "stride-ignored"
  | "stride-dilation-swapped"
  | "padding-side"
  | "dilation-ignored"
  | "bias-ignored"
  | "shape"
  | "padding-included"
  | "activation-derivative-missing"
  | "activation-derivative-at-output";

/** A likely mistake, in plain words, with where to look. */
export interface Diagnosis {
  code: DiagnosisCode;
  tensor: DiagnosedTensor;
  message: string;
}
