;; Sliding medians for HPSS, four independent runs at a time in the lanes of one i32x4 vector.
;; Values are the int32 bit patterns of non-negative float32 magnitudes, which order exactly like
;; the floats, so every comparison is an integer one and the median is an input value, bit for bit.
;;
;; Built by `npm run build:wasm` (wabt's wat2wasm, in Node) into median.wasm beside this file.
(module
  (memory (export "memory") 1)

  ;; Four runs (the lanes) of `positions` windows of `k` (odd) values. The window of position p is
  ;; the k vectors at in + p·posStride + s·posStride (s = 0 … k−1): consecutive windows share all
  ;; but one value per lane. Its median goes to out + p·outStride.
  ;;
  ;; Replacing one value moves a window's median by at most one place in sorted order, so each
  ;; step needs only the previous median m and, over the new window, how many values are below
  ;; and above m and the nearest values on either side of it: no sorted window is kept, and every
  ;; lane takes the same branch-free path. The first window starts from any of its values and is
  ;; refined (k+1)/2 times, enough to walk from any rank to the middle one.
  (func $run (param $in i32) (param $posStride i32) (param $positions i32) (param $out i32)
    (param $outStride i32) (param $k i32)
    (local $m v128) (local $p i32) (local $i i32)
    (local.set $m (v128.load (local.get $in)))
    (local.set $i (i32.shr_u (i32.add (local.get $k) (i32.const 1)) (i32.const 1)))
    (loop $refine
      (local.set $m (call $step (local.get $in) (local.get $posStride) (local.get $k) (local.get $m)))
      (local.tee $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $refine))
    (v128.store (local.get $out) (local.get $m))
    (local.set $p (i32.const 1))
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $positions)))
      (loop $positions
        (local.set $m
          (call $step
            (i32.add (local.get $in) (i32.mul (local.get $p) (local.get $posStride)))
            (local.get $posStride) (local.get $k) (local.get $m)))
        (v128.store
          (i32.add (local.get $out) (i32.mul (local.get $p) (local.get $outStride)))
          (local.get $m))
        (local.tee $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $positions (i32.lt_u (local.get $positions)))))
  )

  ;; The median of the window at `at` (k vectors, `stride` bytes apart), given that m, the median
  ;; of the window before it, is at most one place away from it in sorted order.
  (func $step (param $at i32) (param $stride i32) (param $k i32) (param $m v128) (result v128)
    (local $end i32) (local $x v128) (local $below v128) (local $above v128)
    (local $pred v128) (local $succ v128) (local $lt v128) (local $gt v128) (local $half v128)
    (local.set $end (i32.add (local.get $at) (i32.mul (local.get $k) (local.get $stride))))
    (local.set $succ (v128.const i32x4 -1 -1 -1 -1))
    (loop $scan
      (local.set $x (v128.load align=4 (local.get $at)))
      (local.set $lt (i32x4.lt_s (local.get $x) (local.get $m)))
      (local.set $gt (i32x4.gt_s (local.get $x) (local.get $m)))
      ;; comparisons give −1 per true lane
      (local.set $below (i32x4.sub (local.get $below) (local.get $lt)))
      (local.set $above (i32x4.sub (local.get $above) (local.get $gt)))
      ;; largest value below m (values are ≥ 0, so 0 is neutral) and smallest above it (unsigned)
      (local.set $pred (i32x4.max_s (local.get $pred) (v128.and (local.get $x) (local.get $lt))))
      (local.set $succ
        (i32x4.min_u (local.get $succ)
          (v128.bitselect (local.get $x) (v128.const i32x4 -1 -1 -1 -1) (local.get $gt))))
      (local.tee $at (i32.add (local.get $at) (local.get $stride)))
      (br_if $scan (i32.ne (local.get $end))))
    (local.set $half (i32x4.splat (i32.shr_u (local.get $k) (i32.const 1))))
    ;; more than half below m: the median is the value just below; at most half above: m itself;
    ;; otherwise the value just above.
    (v128.bitselect
      (local.get $pred)
      (v128.bitselect (local.get $m) (local.get $succ)
        (i32x4.le_s (local.get $above) (local.get $half)))
      (i32x4.gt_s (local.get $below) (local.get $half)))
  )

  ;; Rows of a rows × length int32 matrix, four at a time, into groups of `extended` vectors: vector
  ;; e of group g holds column columns[e] (an i32 table, the reflect extension) of rows 4g … 4g+3
  ;; (the last row standing in for rows past the end), so one row's windows are consecutive vectors.
  (func (export "interleave") (param $in i32) (param $rows i32) (param $length i32) (param $columns i32)
    (param $extended i32) (param $out i32)
    (local $g i32) (local $e i32) (local $r i32) (local $c i32) (local $rowBytes i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $last i32)
    (local.set $rowBytes (i32.shl (local.get $length) (i32.const 2)))
    (local.set $last (i32.sub (local.get $rows) (i32.const 1)))
    (loop $groups
      (local.set $r (i32.shl (local.get $g) (i32.const 2)))
      (local.set $r0 (i32.add (local.get $in) (i32.mul (local.get $r) (local.get $rowBytes))))
      (local.set $r1 (i32.add (local.get $in) (i32.mul
        (select (i32.add (local.get $r) (i32.const 1)) (local.get $last)
          (i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $rows)))
        (local.get $rowBytes))))
      (local.set $r2 (i32.add (local.get $in) (i32.mul
        (select (i32.add (local.get $r) (i32.const 2)) (local.get $last)
          (i32.lt_u (i32.add (local.get $r) (i32.const 2)) (local.get $rows)))
        (local.get $rowBytes))))
      (local.set $r3 (i32.add (local.get $in) (i32.mul
        (select (i32.add (local.get $r) (i32.const 3)) (local.get $last)
          (i32.lt_u (i32.add (local.get $r) (i32.const 3)) (local.get $rows)))
        (local.get $rowBytes))))
      (local.set $e (i32.const 0))
      (loop $columns
        (local.set $c (i32.shl (i32.load (i32.add (local.get $columns) (i32.shl (local.get $e) (i32.const 2))))
          (i32.const 2)))
        (v128.store (local.get $out)
          (i32x4.replace_lane 3
            (i32x4.replace_lane 2
              (i32x4.replace_lane 1
                (i32x4.splat (i32.load (i32.add (local.get $r0) (local.get $c))))
                (i32.load (i32.add (local.get $r1) (local.get $c))))
              (i32.load (i32.add (local.get $r2) (local.get $c))))
            (i32.load (i32.add (local.get $r3) (local.get $c)))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.tee $e (i32.add (local.get $e) (i32.const 1)))
        (br_if $columns (i32.lt_u (local.get $extended))))
      (local.set $g (i32.add (local.get $g) (i32.const 1)))
      (br_if $groups (i32.lt_u (i32.shl (local.get $g) (i32.const 2)) (local.get $rows))))
  )

  ;; The reverse for `groups` groups of `length` vectors: lane j of vector b of group g to row 4g+j,
  ;; column b of a (4·groups) × length matrix.
  (func (export "deinterleave") (param $in i32) (param $groups i32) (param $length i32) (param $out i32)
    (local $g i32) (local $b i32) (local $v v128) (local $rowBytes i32) (local $row i32)
    (local.set $rowBytes (i32.shl (local.get $length) (i32.const 2)))
    (loop $groups
      (local.set $row (i32.add (local.get $out) (i32.mul (i32.shl (local.get $g) (i32.const 2)) (local.get $rowBytes))))
      (local.set $b (i32.const 0))
      (loop $columns
        (local.set $v (v128.load (local.get $in)))
        (i32.store (local.get $row) (i32x4.extract_lane 0 (local.get $v)))
        (i32.store (i32.add (local.get $row) (local.get $rowBytes)) (i32x4.extract_lane 1 (local.get $v)))
        (i32.store (i32.add (local.get $row) (i32.shl (local.get $rowBytes) (i32.const 1)))
          (i32x4.extract_lane 2 (local.get $v)))
        (i32.store (i32.add (local.get $row) (i32.mul (local.get $rowBytes) (i32.const 3)))
          (i32x4.extract_lane 3 (local.get $v)))
        (local.set $in (i32.add (local.get $in) (i32.const 16)))
        (local.set $row (i32.add (local.get $row) (i32.const 4)))
        (local.tee $b (i32.add (local.get $b) (i32.const 1)))
        (br_if $columns (i32.lt_u (local.get $length))))
      (local.tee $g (i32.add (local.get $g) (i32.const 1)))
      (br_if $groups (i32.lt_u (local.get $groups))))
  )

  (export "run" (func $run))
)
