;; The inner loops of the numerical check (difference.ts) in WebAssembly.
;; A cell's sum at x + h and its sum at x - h are the two f64x2 lanes of one
;; accumulator: each lane adds the same products in the same order as the
;; scalar loops of difference-blocks.ts, so the results are the same bit for
;; bit, with half the instructions and without bounds checks.
;;
;; Each sum is b + sum_j x[j] * y[j] over all K terms, where x is a row of
;; one operand and y the row shared by the four sums (a filter row, or an
;; output cell's columns), and y's element k is perturbed: plus in the first
;; lane, minus in the second (k outside 0..K-1 perturbs nothing). Addresses
;; are byte offsets into the memory the caller supplies.
(module
  (import "convcheck" "memory" (memory 1))

  ;; (p - t)^2 - (m - t)^2 for the lanes (p, m) of s: one cell's share of the
  ;; loss difference, doubled.
  (func $squares (param $s v128) (param $t f64) (result f64)
    (local $p f64) (local $m f64)
    (local.set $p (f64.sub (f64x2.extract_lane 0 (local.get $s)) (local.get $t)))
    (local.set $m (f64.sub (f64x2.extract_lane 1 (local.get $s)) (local.get $t)))
    (f64.sub (f64.mul (local.get $p) (local.get $p)) (f64.mul (local.get $m) (local.get $m))))

  ;; Four rows x, x + rowBytes, ... against y, started at b0..b3; targets at
  ;; t, t + tStep, t + 2 tStep, t + 3 tStep. Four cells of one channel (x:
  ;; rows of the columns, y: the filter row) or one cell in four channels (x:
  ;; filter rows, y: the cell's columns).
  (func (export "fourRows")
    (param $x i32) (param $rowBytes i32) (param $K i32) (param $y i32) (param $k i32)
    (param $plus f64) (param $minus f64)
    (param $b0 f64) (param $b1 f64) (param $b2 f64) (param $b3 f64)
    (param $t i32) (param $tStep i32) (result f64)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $w v128) (local $stop i32) (local $end i32)
    (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local.set $s0 (f64x2.splat (local.get $b0)))
    (local.set $s1 (f64x2.splat (local.get $b1)))
    (local.set $s2 (f64x2.splat (local.get $b2)))
    (local.set $s3 (f64x2.splat (local.get $b3)))
    (local.set $x1 (i32.add (local.get $x) (local.get $rowBytes)))
    (local.set $x2 (i32.add (local.get $x1) (local.get $rowBytes)))
    (local.set $x3 (i32.add (local.get $x2) (local.get $rowBytes)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $K) (i32.const 3))))
    ;; Terms before k, the term at k, the terms after it: in order.
    (local.set $stop (local.get $end))
    (if (i32.and (i32.ge_s (local.get $k) (i32.const 0)) (i32.lt_s (local.get $k) (local.get $K)))
      (then (local.set $stop (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 3))))))
    (block $done
      (loop $segment
        (if (i32.lt_u (local.get $x) (local.get $stop))
          (then
            (loop $next
              (local.set $w (v128.load64_splat (local.get $y)))
              (local.set $s0 (f64x2.add (local.get $s0)
                (f64x2.mul (v128.load64_splat (local.get $x)) (local.get $w))))
              (local.set $s1 (f64x2.add (local.get $s1)
                (f64x2.mul (v128.load64_splat (local.get $x1)) (local.get $w))))
              (local.set $s2 (f64x2.add (local.get $s2)
                (f64x2.mul (v128.load64_splat (local.get $x2)) (local.get $w))))
              (local.set $s3 (f64x2.add (local.get $s3)
                (f64x2.mul (v128.load64_splat (local.get $x3)) (local.get $w))))
              (local.set $y (i32.add (local.get $y) (i32.const 8)))
              (local.set $x1 (i32.add (local.get $x1) (i32.const 8)))
              (local.set $x2 (i32.add (local.get $x2) (i32.const 8)))
              (local.set $x3 (i32.add (local.get $x3) (i32.const 8)))
              (local.set $x (i32.add (local.get $x) (i32.const 8)))
              (br_if $next (i32.lt_u (local.get $x) (local.get $stop))))))
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        ;; x stands at k: its term with (plus, minus), then the rest.
        (local.set $w (f64x2.replace_lane 1 (f64x2.splat (local.get $plus)) (local.get $minus)))
        (local.set $s0 (f64x2.add (local.get $s0)
          (f64x2.mul (v128.load64_splat (local.get $x)) (local.get $w))))
        (local.set $s1 (f64x2.add (local.get $s1)
          (f64x2.mul (v128.load64_splat (local.get $x1)) (local.get $w))))
        (local.set $s2 (f64x2.add (local.get $s2)
          (f64x2.mul (v128.load64_splat (local.get $x2)) (local.get $w))))
        (local.set $s3 (f64x2.add (local.get $s3)
          (f64x2.mul (v128.load64_splat (local.get $x3)) (local.get $w))))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (local.set $x1 (i32.add (local.get $x1) (i32.const 8)))
        (local.set $x2 (i32.add (local.get $x2) (i32.const 8)))
        (local.set $x3 (i32.add (local.get $x3) (i32.const 8)))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $stop (local.get $end))
        (br $segment)))
    (f64.add
      (f64.add
        (call $squares (local.get $s0) (f64.load (local.get $t)))
        (call $squares (local.get $s1)
          (f64.load (i32.add (local.get $t) (local.get $tStep)))))
      (f64.add
        (call $squares (local.get $s2)
          (f64.load (i32.add (local.get $t) (i32.shl (local.get $tStep) (i32.const 1)))))
        (call $squares (local.get $s3)
          (f64.load (i32.add (local.get $t) (i32.mul (local.get $tStep) (i32.const 3))))))))

  ;; One row x against y as above, started at (b0, b1): the bias check starts
  ;; its two sums at the bias's two points and perturbs nothing in y.
  (func (export "oneRow")
    (param $x i32) (param $K i32) (param $y i32) (param $k i32)
    (param $plus f64) (param $minus f64) (param $b0 f64) (param $b1 f64) (param $t f64)
    (result f64)
    (local $s v128) (local $stop i32) (local $end i32)
    (local.set $s (f64x2.replace_lane 1 (f64x2.splat (local.get $b0)) (local.get $b1)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $K) (i32.const 3))))
    (local.set $stop (local.get $end))
    (if (i32.and (i32.ge_s (local.get $k) (i32.const 0)) (i32.lt_s (local.get $k) (local.get $K)))
      (then (local.set $stop (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 3))))))
    (block $done
      (loop $segment
        (if (i32.lt_u (local.get $x) (local.get $stop))
          (then
            (loop $next
              (local.set $s (f64x2.add (local.get $s)
                (f64x2.mul (v128.load64_splat (local.get $x)) (v128.load64_splat (local.get $y)))))
              (local.set $y (i32.add (local.get $y) (i32.const 8)))
              (local.set $x (i32.add (local.get $x) (i32.const 8)))
              (br_if $next (i32.lt_u (local.get $x) (local.get $stop))))))
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $s (f64x2.add (local.get $s)
          (f64x2.mul (v128.load64_splat (local.get $x))
            (f64x2.replace_lane 1 (f64x2.splat (local.get $plus)) (local.get $minus)))))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $stop (local.get $end))
        (br $segment)))
    (call $squares (local.get $s) (local.get $t)))
)
