;; The inner loops of the numerical check (difference.ts) in WebAssembly,
;; where one f64x2 lane holds a cell's sum at x + h and the other its sum at
;; x - h. Each lane adds the same products in the same order as the scalar
;; loops of difference-blocks.ts, so the results are bit for bit the same,
;; at about half the instructions and without bounds checks.
;;
;; Addresses are byte offsets into the memory the caller supplies. `pm`
;; holds a row at both points interleaved: P[0], M[0], P[1], M[1], ...
(module
  (import "convcheck" "memory" (memory 1))

  ;; (p - t)^2 - (m - t)^2 for the lanes (p, m) of s: one cell's share of the
  ;; loss difference, doubled.
  (func $squares (param $s v128) (param $t f64) (result f64)
    (local $p f64) (local $m f64)
    (local.set $p (f64.sub (f64x2.extract_lane 0 (local.get $s)) (local.get $t)))
    (local.set $m (f64.sub (f64x2.extract_lane 1 (local.get $s)) (local.get $t)))
    (f64.sub (f64.mul (local.get $p) (local.get $p)) (f64.mul (local.get $m) (local.get $m))))

  ;; Four rows x, x + rowBytes, ... of length K against pm, started at b0..b3;
  ;; targets at t, t + tStep, t + 2 tStep, t + 3 tStep. Four cells of one
  ;; channel (rows of the columns) or one cell in four channels (filter rows).
  (func (export "fourRows")
    (param $x i32) (param $rowBytes i32) (param $K i32) (param $pm i32)
    (param $b0 f64) (param $b1 f64) (param $b2 f64) (param $b3 f64)
    (param $t i32) (param $tStep i32) (result f64)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $w v128) (local $end i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local.set $s0 (f64x2.splat (local.get $b0)))
    (local.set $s1 (f64x2.splat (local.get $b1)))
    (local.set $s2 (f64x2.splat (local.get $b2)))
    (local.set $s3 (f64x2.splat (local.get $b3)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $K) (i32.const 3))))
    (local.set $x1 (i32.add (local.get $x) (local.get $rowBytes)))
    (local.set $x2 (i32.add (local.get $x1) (local.get $rowBytes)))
    (local.set $x3 (i32.add (local.get $x2) (local.get $rowBytes)))
    (if (i32.lt_u (local.get $x) (local.get $end))
      (then
        (loop $next
          (local.set $w (v128.load (local.get $pm)))
          (local.set $s0 (f64x2.add (local.get $s0)
            (f64x2.mul (v128.load64_splat (local.get $x)) (local.get $w))))
          (local.set $s1 (f64x2.add (local.get $s1)
            (f64x2.mul (v128.load64_splat (local.get $x1)) (local.get $w))))
          (local.set $s2 (f64x2.add (local.get $s2)
            (f64x2.mul (v128.load64_splat (local.get $x2)) (local.get $w))))
          (local.set $s3 (f64x2.add (local.get $s3)
            (f64x2.mul (v128.load64_splat (local.get $x3)) (local.get $w))))
          (local.set $pm (i32.add (local.get $pm) (i32.const 16)))
          (local.set $x1 (i32.add (local.get $x1) (i32.const 8)))
          (local.set $x2 (i32.add (local.get $x2) (i32.const 8)))
          (local.set $x3 (i32.add (local.get $x3) (i32.const 8)))
          (local.set $x (i32.add (local.get $x) (i32.const 8)))
          (br_if $next (i32.lt_u (local.get $x) (local.get $end))))))
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

  ;; One row x of length K against pm, started at (plus, minus); target value t.
  (func (export "oneRow")
    (param $x i32) (param $K i32) (param $pm i32) (param $plus f64) (param $minus f64)
    (param $t f64) (result f64)
    (local $s v128) (local $end i32)
    (local.set $s (f64x2.replace_lane 1 (f64x2.splat (local.get $plus)) (local.get $minus)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $K) (i32.const 3))))
    (if (i32.lt_u (local.get $x) (local.get $end))
      (then
        (loop $next
          (local.set $s (f64x2.add (local.get $s)
            (f64x2.mul (v128.load64_splat (local.get $x)) (v128.load (local.get $pm)))))
          (local.set $pm (i32.add (local.get $pm) (i32.const 16)))
          (local.set $x (i32.add (local.get $x) (i32.const 8)))
          (br_if $next (i32.lt_u (local.get $x) (local.get $end))))))
    (call $squares (local.get $s) (local.get $t)))
)
