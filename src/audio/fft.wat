;; Fast Fourier transforms in float64, two independent transforms at a time in the lanes of one
;; f64x2 vector (lane 0 and lane 1 never mix), so the arithmetic of a butterfly serves two frames.
;; Arrays are of v128 elements: element i of a transform of m points is at re + 16·i (real parts)
;; and im + 16·i (imaginary parts). Every constant table holds each value in both lanes.
;;
;; Built by `npm run build:wasm` (wabt's wat2wasm, in Node) into fft.wasm beside this file.
(module
  (memory (export "memory") 1)

  ;; Swap elements i and reversed[i] (u32 table) of both arrays: bit-reversed order and back.
  (func (export "permute") (param $re i32) (param $im i32) (param $m i32) (param $reversed i32)
    (local $i i32) (local $j i32) (local $a i32) (local $b i32) (local $t v128)
    (loop $each
      (local.set $j (i32.load (i32.add (local.get $reversed) (i32.shl (local.get $i) (i32.const 2)))))
      (if (i32.gt_u (local.get $j) (local.get $i))
        (then
          (local.set $a (i32.shl (local.get $i) (i32.const 4)))
          (local.set $b (i32.shl (local.get $j) (i32.const 4)))
          (local.set $t (v128.load (i32.add (local.get $re) (local.get $a))))
          (v128.store (i32.add (local.get $re) (local.get $a)) (v128.load (i32.add (local.get $re) (local.get $b))))
          (v128.store (i32.add (local.get $re) (local.get $b)) (local.get $t))
          (local.set $t (v128.load (i32.add (local.get $im) (local.get $a))))
          (v128.store (i32.add (local.get $im) (local.get $a)) (v128.load (i32.add (local.get $im) (local.get $b))))
          (v128.store (i32.add (local.get $im) (local.get $b)) (local.get $t))))
      (local.tee $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $m))))
  )

  ;; Two real frames a and b (2m float64 each) into the lanes of re/im in bit-reversed order:
  ;; even samples as real parts, odd ones as imaginary parts (the input of `complex` + `realForward`).
  (func (export "loadFrames") (param $a i32) (param $b i32) (param $re i32) (param $im i32) (param $m i32)
    (param $reversed i32)
    (local $i i32) (local $j i32) (local $x v128) (local $y v128)
    (loop $each
      (local.set $x (v128.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 4)))))
      (local.set $y (v128.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 4)))))
      (local.set $j
        (i32.shl (i32.load (i32.add (local.get $reversed) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 4)))
      (v128.store (i32.add (local.get $re) (local.get $j))
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $y)))
      (v128.store (i32.add (local.get $im) (local.get $j))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $y)))
      (local.tee $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $m))))
  )

  ;; `loadFrames` of two float32 frames a and b (2m samples each), each sample times the float64
  ;; window w (2m values) first: the STFT's windowing, with the same float64 products as in JS.
  (func (export "loadWindowed") (param $a i32) (param $b i32) (param $w i32) (param $re i32) (param $im i32)
    (param $m i32) (param $reversed i32)
    (local $i i32) (local $j i32) (local $window v128) (local $x v128) (local $y v128)
    (loop $each
      (local.set $window (v128.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 4)))))
      (local.set $x (f64x2.mul (local.get $window)
        (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3)))))))
      (local.set $y (f64x2.mul (local.get $window)
        (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3)))))))
      (local.set $j
        (i32.shl (i32.load (i32.add (local.get $reversed) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 4)))
      (v128.store (i32.add (local.get $re) (local.get $j))
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $y)))
      (v128.store (i32.add (local.get $im) (local.get $j))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $y)))
      (local.tee $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $m))))
  )

  ;; Lane 0 of `count` elements of re and im rounded to float32 into reA and imA, lane 1 into reB
  ;; and imB: the half spectra of `realForward` as complex64, like librosa's STFT.
  (func (export "lanesFloat32") (param $re i32) (param $im i32) (param $count i32) (param $reA i32)
    (param $imA i32) (param $reB i32) (param $imB i32)
    (local $i i32) (local $out i32) (local $x v128) (local $y v128)
    (loop $each
      (local.set $x (v128.load (i32.add (local.get $re) (i32.shl (local.get $i) (i32.const 4)))))
      (local.set $y (v128.load (i32.add (local.get $im) (i32.shl (local.get $i) (i32.const 4)))))
      (local.set $out (i32.shl (local.get $i) (i32.const 2)))
      (f32.store (i32.add (local.get $reA) (local.get $out)) (f32.demote_f64 (f64x2.extract_lane 0 (local.get $x))))
      (f32.store (i32.add (local.get $reB) (local.get $out)) (f32.demote_f64 (f64x2.extract_lane 1 (local.get $x))))
      (f32.store (i32.add (local.get $imA) (local.get $out)) (f32.demote_f64 (f64x2.extract_lane 0 (local.get $y))))
      (f32.store (i32.add (local.get $imB) (local.get $out)) (f32.demote_f64 (f64x2.extract_lane 1 (local.get $y))))
      (local.tee $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $count))))
  )

  ;; The inverse's input from two masked float32 half spectra: element i of re/im gets
  ;; reA[i]·maskA[i] in lane 0 and reB[i]·maskB[i] in lane 1 (likewise im), as exact float64
  ;; products of the float32 values, for `count` elements. (Arrays A and B are laid out alike:
  ;; re, im, mask, each `count` float32 apart.)
  (func (export "maskedMerge") (param $re i32) (param $im i32) (param $count i32) (param $a i32) (param $b i32)
    (local $i i32) (local $in i32) (local $at i32) (local $stride i32) (local $maskA f64) (local $maskB f64)
    (local.set $stride (i32.shl (local.get $count) (i32.const 2)))
    (loop $each
      (local.set $in (i32.shl (local.get $i) (i32.const 2)))
      (local.set $at (i32.shl (local.get $i) (i32.const 4)))
      (local.set $maskA (f64.promote_f32 (f32.load
        (i32.add (i32.add (local.get $a) (local.get $in)) (i32.shl (local.get $stride) (i32.const 1))))))
      (local.set $maskB (f64.promote_f32 (f32.load
        (i32.add (i32.add (local.get $b) (local.get $in)) (i32.shl (local.get $stride) (i32.const 1))))))
      (v128.store (i32.add (local.get $re) (local.get $at))
        (f64x2.replace_lane 1
          (f64x2.splat (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $a) (local.get $in)))) (local.get $maskA)))
          (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $b) (local.get $in)))) (local.get $maskB))))
      (v128.store (i32.add (local.get $im) (local.get $at))
        (f64x2.replace_lane 1
          (f64x2.splat (f64.mul (f64.promote_f32 (f32.load
            (i32.add (i32.add (local.get $a) (local.get $in)) (local.get $stride)))) (local.get $maskA)))
          (f64.mul (f64.promote_f32 (f32.load
            (i32.add (i32.add (local.get $b) (local.get $in)) (local.get $stride)))) (local.get $maskB))))
      (local.tee $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $count))))
  )

  ;; Windowed overlap-add of one frame: acc[n] += w[n]·x[n] for n < size (float64, size even),
  ;; the multiply and the add rounded separately as in JS.
  (func (export "overlapAdd") (param $acc i32) (param $w i32) (param $x i32) (param $size i32)
    (local $at i32) (local $end i32)
    (local.set $end (i32.shl (local.get $size) (i32.const 3)))
    (loop $each
      (v128.store (i32.add (local.get $acc) (local.get $at))
        (f64x2.add (v128.load (i32.add (local.get $acc) (local.get $at)))
          (f64x2.mul (v128.load (i32.add (local.get $w) (local.get $at))) (v128.load (i32.add (local.get $x) (local.get $at))))))
      (local.tee $at (i32.add (local.get $at) (i32.const 16)))
      (br_if $each (i32.lt_u (local.get $end))))
  )

  ;; Lane 0 of `count` elements of re and im into the float64 arrays reA and imA, lane 1 into reB
  ;; and imB (half spectra out of `realForward`); with `merge` set, the other way round.
  (func (export "lanes") (param $re i32) (param $im i32) (param $count i32) (param $reA i32) (param $imA i32)
    (param $reB i32) (param $imB i32) (param $merge i32)
    (local $i i32) (local $at i32) (local $out i32) (local $x v128) (local $y v128)
    (loop $each
      (local.set $at (i32.shl (local.get $i) (i32.const 4)))
      (local.set $out (i32.shl (local.get $i) (i32.const 3)))
      (if (local.get $merge)
        (then
          (v128.store (i32.add (local.get $re) (local.get $at))
            (f64x2.replace_lane 1
              (f64x2.splat (f64.load (i32.add (local.get $reA) (local.get $out))))
              (f64.load (i32.add (local.get $reB) (local.get $out)))))
          (v128.store (i32.add (local.get $im) (local.get $at))
            (f64x2.replace_lane 1
              (f64x2.splat (f64.load (i32.add (local.get $imA) (local.get $out))))
              (f64.load (i32.add (local.get $imB) (local.get $out))))))
        (else
          (local.set $x (v128.load (i32.add (local.get $re) (local.get $at))))
          (local.set $y (v128.load (i32.add (local.get $im) (local.get $at))))
          (f64.store (i32.add (local.get $reA) (local.get $out)) (f64x2.extract_lane 0 (local.get $x)))
          (f64.store (i32.add (local.get $reB) (local.get $out)) (f64x2.extract_lane 1 (local.get $x)))
          (f64.store (i32.add (local.get $imA) (local.get $out)) (f64x2.extract_lane 0 (local.get $y)))
          (f64.store (i32.add (local.get $imB) (local.get $out)) (f64x2.extract_lane 1 (local.get $y)))))
      (local.tee $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $count))))
  )

  ;; After `realInverse`, `permute` and `complex`: frame a (2m float64) from lane 0, b from lane 1,
  ;; as x[2n] = Re z[n]·scale and x[2n+1] = −Im z[n]·scale.
  (func (export "storeFrames") (param $re i32) (param $im i32) (param $m i32) (param $scale f64)
    (param $a i32) (param $b i32)
    (local $i i32) (local $x v128) (local $y v128) (local $s v128)
    (local.set $s (f64x2.splat (local.get $scale)))
    (loop $each
      (local.set $x (f64x2.mul (v128.load (i32.add (local.get $re) (i32.shl (local.get $i) (i32.const 4))))
        (local.get $s)))
      (local.set $y (f64x2.neg (f64x2.mul (v128.load (i32.add (local.get $im) (i32.shl (local.get $i) (i32.const 4))))
        (local.get $s))))
      (v128.store (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 4)))
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $y)))
      (v128.store (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 4)))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $y)))
      (local.tee $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $each (i32.lt_u (local.get $m))))
  )

  ;; Forward complex DFT (e^{−2πi·jk/m}) in place, m a power of two ≥ 1, input in bit-reversed
  ;; order. A lone radix-2 stage when log2(m) is odd, then radix-2² passes: each does two radix-2
  ;; stages while a butterfly's four values sit in registers. `tw` holds, per pass of quarter
  ;; length q ≥ 2 and for j < q: cos, sin of 2πj/2q, then of 2πj/4q (four v128, 64 bytes per j).
  (func (export "complex") (param $re i32) (param $im i32) (param $m i32) (param $tw i32)
    (local $q i32) (local $p i32) (local $end i32) (local $delta i32)
    (local $a0r v128) (local $a0i v128) (local $a1r v128) (local $a1i v128)
    (local $a2r v128) (local $a2i v128) (local $a3r v128) (local $a3i v128)
    (local $b0r v128) (local $b0i v128) (local $b1r v128) (local $b1i v128)
    (local $d0r v128) (local $d0i v128) (local $d1r v128) (local $d1i v128)
    (local $c2 v128) (local $s2 v128) (local $c4 v128) (local $s4 v128)
    (local $u0r v128) (local $u0i v128) (local $v1r v128) (local $v1i v128)
    (local $start i32) (local $j i32) (local $t i32) (local $qb i32)
    (local.set $delta (i32.sub (local.get $im) (local.get $re)))
    (local.set $end (i32.add (local.get $re) (i32.shl (local.get $m) (i32.const 4))))
    (local.set $q (i32.const 1))
    (if (i32.and (i32.ctz (local.get $m)) (i32.const 1))
      (then
        ;; radix 2 on neighbours
        (local.set $p (local.get $re))
        (loop $pairs
          (local.set $a0r (v128.load (local.get $p)))
          (local.set $a1r (v128.load offset=16 (local.get $p)))
          (v128.store (local.get $p) (f64x2.add (local.get $a0r) (local.get $a1r)))
          (v128.store offset=16 (local.get $p) (f64x2.sub (local.get $a0r) (local.get $a1r)))
          (local.set $t (i32.add (local.get $p) (local.get $delta)))
          (local.set $a0i (v128.load (local.get $t)))
          (local.set $a1i (v128.load offset=16 (local.get $t)))
          (v128.store (local.get $t) (f64x2.add (local.get $a0i) (local.get $a1i)))
          (v128.store offset=16 (local.get $t) (f64x2.sub (local.get $a0i) (local.get $a1i)))
          (local.tee $p (i32.add (local.get $p) (i32.const 32)))
          (br_if $pairs (i32.lt_u (local.get $end))))
        (local.set $q (i32.const 2)))
      (else
        (if (i32.ge_u (local.get $m) (i32.const 4))
          (then
            ;; quarter 1: twiddles 1 and −i only
            (local.set $p (local.get $re))
            (loop $fours
              (local.set $t (i32.add (local.get $p) (local.get $delta)))
              (local.set $a0r (v128.load (local.get $p)))
              (local.set $a1r (v128.load offset=16 (local.get $p)))
              (local.set $a2r (v128.load offset=32 (local.get $p)))
              (local.set $a3r (v128.load offset=48 (local.get $p)))
              (local.set $a0i (v128.load (local.get $t)))
              (local.set $a1i (v128.load offset=16 (local.get $t)))
              (local.set $a2i (v128.load offset=32 (local.get $t)))
              (local.set $a3i (v128.load offset=48 (local.get $t)))
              (local.set $b0r (f64x2.add (local.get $a0r) (local.get $a1r)))
              (local.set $b0i (f64x2.add (local.get $a0i) (local.get $a1i)))
              (local.set $b1r (f64x2.sub (local.get $a0r) (local.get $a1r)))
              (local.set $b1i (f64x2.sub (local.get $a0i) (local.get $a1i)))
              (local.set $d0r (f64x2.add (local.get $a2r) (local.get $a3r)))
              (local.set $d0i (f64x2.add (local.get $a2i) (local.get $a3i)))
              (local.set $d1r (f64x2.sub (local.get $a2r) (local.get $a3r)))
              (local.set $d1i (f64x2.sub (local.get $a2i) (local.get $a3i)))
              (v128.store (local.get $p) (f64x2.add (local.get $b0r) (local.get $d0r)))
              (v128.store (local.get $t) (f64x2.add (local.get $b0i) (local.get $d0i)))
              (v128.store offset=32 (local.get $p) (f64x2.sub (local.get $b0r) (local.get $d0r)))
              (v128.store offset=32 (local.get $t) (f64x2.sub (local.get $b0i) (local.get $d0i)))
              ;; −i·d1 = d1i − i·d1r
              (v128.store offset=16 (local.get $p) (f64x2.add (local.get $b1r) (local.get $d1i)))
              (v128.store offset=16 (local.get $t) (f64x2.sub (local.get $b1i) (local.get $d1r)))
              (v128.store offset=48 (local.get $p) (f64x2.sub (local.get $b1r) (local.get $d1i)))
              (v128.store offset=48 (local.get $t) (f64x2.add (local.get $b1i) (local.get $d1r)))
              (local.tee $p (i32.add (local.get $p) (i32.const 64)))
              (br_if $fours (i32.lt_u (local.get $end))))
            (local.set $q (i32.const 4))))))
    (block $passes
      (loop $pass
        (br_if $passes (i32.gt_u (i32.shl (local.get $q) (i32.const 2)) (local.get $m)))
        (local.set $qb (i32.shl (local.get $q) (i32.const 4)))
        (local.set $start (local.get $re))
        (loop $blocks
          (local.set $p (local.get $start))
          (local.set $t (local.get $tw))
          (local.set $j (i32.const 0))
          (loop $butterflies
            (local.set $c2 (v128.load (local.get $t)))
            (local.set $s2 (v128.load offset=16 (local.get $t)))
            (local.set $c4 (v128.load offset=32 (local.get $t)))
            (local.set $s4 (v128.load offset=48 (local.get $t)))
            (local.set $a0r (v128.load (local.get $p)))
            (local.set $a0i (v128.load (i32.add (local.get $p) (local.get $delta))))
            (local.set $a1r (v128.load (i32.add (local.get $p) (local.get $qb))))
            (local.set $a1i (v128.load (i32.add (i32.add (local.get $p) (local.get $qb)) (local.get $delta))))
            (local.set $a2r (v128.load (i32.add (local.get $p) (i32.shl (local.get $qb) (i32.const 1)))))
            (local.set $a2i
              (v128.load (i32.add (i32.add (local.get $p) (i32.shl (local.get $qb) (i32.const 1))) (local.get $delta))))
            (local.set $a3r (v128.load (i32.add (local.get $p) (i32.mul (local.get $qb) (i32.const 3)))))
            (local.set $a3i
              (v128.load (i32.add (i32.add (local.get $p) (i32.mul (local.get $qb) (i32.const 3))) (local.get $delta))))
            ;; first stage: w = e^{−2πij/2q} times the odd halves
            (local.set $u0r (f64x2.add (f64x2.mul (local.get $a1r) (local.get $c2)) (f64x2.mul (local.get $a1i) (local.get $s2))))
            (local.set $u0i (f64x2.sub (f64x2.mul (local.get $a1i) (local.get $c2)) (f64x2.mul (local.get $a1r) (local.get $s2))))
            (local.set $v1r (f64x2.add (f64x2.mul (local.get $a3r) (local.get $c2)) (f64x2.mul (local.get $a3i) (local.get $s2))))
            (local.set $v1i (f64x2.sub (f64x2.mul (local.get $a3i) (local.get $c2)) (f64x2.mul (local.get $a3r) (local.get $s2))))
            (local.set $b0r (f64x2.add (local.get $a0r) (local.get $u0r)))
            (local.set $b0i (f64x2.add (local.get $a0i) (local.get $u0i)))
            (local.set $b1r (f64x2.sub (local.get $a0r) (local.get $u0r)))
            (local.set $b1i (f64x2.sub (local.get $a0i) (local.get $u0i)))
            (local.set $d0r (f64x2.add (local.get $a2r) (local.get $v1r)))
            (local.set $d0i (f64x2.add (local.get $a2i) (local.get $v1i)))
            (local.set $d1r (f64x2.sub (local.get $a2r) (local.get $v1r)))
            (local.set $d1i (f64x2.sub (local.get $a2i) (local.get $v1i)))
            ;; second stage: v = e^{−2πij/4q}, and −i·v for the second quarter
            (local.set $u0r (f64x2.add (f64x2.mul (local.get $d0r) (local.get $c4)) (f64x2.mul (local.get $d0i) (local.get $s4))))
            (local.set $u0i (f64x2.sub (f64x2.mul (local.get $d0i) (local.get $c4)) (f64x2.mul (local.get $d0r) (local.get $s4))))
            (local.set $v1r (f64x2.add (f64x2.mul (local.get $d1r) (local.get $c4)) (f64x2.mul (local.get $d1i) (local.get $s4))))
            (local.set $v1i (f64x2.sub (f64x2.mul (local.get $d1i) (local.get $c4)) (f64x2.mul (local.get $d1r) (local.get $s4))))
            (v128.store (local.get $p) (f64x2.add (local.get $b0r) (local.get $u0r)))
            (v128.store (i32.add (local.get $p) (local.get $delta)) (f64x2.add (local.get $b0i) (local.get $u0i)))
            (v128.store (i32.add (local.get $p) (i32.shl (local.get $qb) (i32.const 1)))
              (f64x2.sub (local.get $b0r) (local.get $u0r)))
            (v128.store (i32.add (i32.add (local.get $p) (i32.shl (local.get $qb) (i32.const 1))) (local.get $delta))
              (f64x2.sub (local.get $b0i) (local.get $u0i)))
            (v128.store (i32.add (local.get $p) (local.get $qb)) (f64x2.add (local.get $b1r) (local.get $v1i)))
            (v128.store (i32.add (i32.add (local.get $p) (local.get $qb)) (local.get $delta))
              (f64x2.sub (local.get $b1i) (local.get $v1r)))
            (v128.store (i32.add (local.get $p) (i32.mul (local.get $qb) (i32.const 3)))
              (f64x2.sub (local.get $b1r) (local.get $v1i)))
            (v128.store (i32.add (i32.add (local.get $p) (i32.mul (local.get $qb) (i32.const 3))) (local.get $delta))
              (f64x2.add (local.get $b1i) (local.get $v1r)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $t (i32.add (local.get $t) (i32.const 64)))
            (local.tee $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $butterflies (i32.lt_u (local.get $q))))
          (local.tee $start (i32.add (local.get $start) (i32.shl (local.get $qb) (i32.const 2))))
          (br_if $blocks (i32.lt_u (local.get $end))))
        (local.set $tw (i32.add (local.get $tw) (i32.shl (local.get $qb) (i32.const 2))))
        (local.set $q (i32.shl (local.get $q) (i32.const 2)))
        (br $pass)))
  )

  ;; After `complex` of m points holding a real signal's even samples as real parts and odd ones
  ;; as imaginary parts: the signal's spectrum, bins 0 … m, in place (m + 1 elements). `cs`
  ;; holds cos, sin of 2πk/2m for k ≤ m/2 (32 bytes per k). Pairs bins k and m − k:
  ;; E = (Z[k] + conj Z[m−k])/2, O = (Z[k] − conj Z[m−k])/2i, P = e^{−2πik/2m}·O,
  ;; X[k] = E + P, X[m−k] = conj(E − P).
  (func (export "realForward") (param $re i32) (param $im i32) (param $m i32) (param $cs i32)
    (local $k i32) (local $lo i32) (local $hi i32) (local $delta i32) (local $half v128)
    (local $ar v128) (local $ai v128) (local $cr v128) (local $ci v128)
    (local $er v128) (local $ei v128) (local $or v128) (local $oi v128) (local $c v128) (local $s v128)
    (local $pr v128) (local $pi v128)
    (local.set $delta (i32.sub (local.get $im) (local.get $re)))
    (local.set $half (f64x2.splat (f64.const 0.5)))
    ;; DC and Nyquist from Z[0]
    (local.set $ar (v128.load (local.get $re)))
    (local.set $ai (v128.load (local.get $im)))
    (local.set $hi (i32.shl (local.get $m) (i32.const 4)))
    (v128.store (local.get $re) (f64x2.add (local.get $ar) (local.get $ai)))
    (v128.store (local.get $im) (v128.const i64x2 0 0))
    (v128.store (i32.add (local.get $re) (local.get $hi)) (f64x2.sub (local.get $ar) (local.get $ai)))
    (v128.store (i32.add (local.get $im) (local.get $hi)) (v128.const i64x2 0 0))
    (local.set $k (i32.const 1))
    (block $done
      (br_if $done (i32.gt_u (local.get $k) (i32.shr_u (local.get $m) (i32.const 1))))
      (loop $bins
        (local.set $lo (i32.add (local.get $re) (i32.shl (local.get $k) (i32.const 4))))
        (local.set $hi (i32.add (local.get $re) (i32.shl (i32.sub (local.get $m) (local.get $k)) (i32.const 4))))
        (local.set $ar (v128.load (local.get $lo)))
        (local.set $ai (v128.load (i32.add (local.get $lo) (local.get $delta))))
        (local.set $cr (v128.load (local.get $hi)))
        (local.set $ci (v128.load (i32.add (local.get $hi) (local.get $delta))))
        (local.set $er (f64x2.mul (local.get $half) (f64x2.add (local.get $ar) (local.get $cr))))
        (local.set $ei (f64x2.mul (local.get $half) (f64x2.sub (local.get $ai) (local.get $ci))))
        (local.set $or (f64x2.mul (local.get $half) (f64x2.add (local.get $ai) (local.get $ci))))
        (local.set $oi (f64x2.mul (local.get $half) (f64x2.sub (local.get $cr) (local.get $ar))))
        (local.set $c (v128.load (i32.add (local.get $cs) (i32.shl (local.get $k) (i32.const 5)))))
        (local.set $s (v128.load offset=16 (i32.add (local.get $cs) (i32.shl (local.get $k) (i32.const 5)))))
        ;; P = (c − i·s)·O
        (local.set $pr (f64x2.add (f64x2.mul (local.get $or) (local.get $c)) (f64x2.mul (local.get $oi) (local.get $s))))
        (local.set $pi (f64x2.sub (f64x2.mul (local.get $oi) (local.get $c)) (f64x2.mul (local.get $or) (local.get $s))))
        (v128.store (local.get $hi) (f64x2.sub (local.get $er) (local.get $pr)))
        (v128.store (i32.add (local.get $hi) (local.get $delta)) (f64x2.sub (local.get $pi) (local.get $ei)))
        (v128.store (local.get $lo) (f64x2.add (local.get $er) (local.get $pr)))
        (v128.store (i32.add (local.get $lo) (local.get $delta)) (f64x2.add (local.get $ei) (local.get $pi)))
        (local.tee $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $bins (i32.le_u (i32.shr_u (local.get $m) (i32.const 1))))))
  )

  ;; The reverse of `realForward`: from a real signal's spectrum, bins 0 … m in re/im (the
  ;; imaginary parts of bins 0 and m ignored, as numpy.fft.irfft does), conj Z in place, where
  ;; Z[k] = E + i·O, E = (X[k] + conj X[m−k])/2, O = (X[k] − conj X[m−k])/2 · e^{2πik/2m}.
  ;; `permute` then `complex` then give conj of m·(even samples + i·odd samples).
  (func (export "realInverse") (param $re i32) (param $im i32) (param $m i32) (param $cs i32)
    (local $k i32) (local $lo i32) (local $hi i32) (local $delta i32) (local $half v128)
    (local $ar v128) (local $ai v128) (local $cr v128) (local $ci v128)
    (local $er v128) (local $ei v128) (local $dr v128) (local $di v128) (local $c v128) (local $s v128)
    (local $or v128) (local $oi v128)
    (local.set $delta (i32.sub (local.get $im) (local.get $re)))
    (local.set $half (f64x2.splat (f64.const 0.5)))
    (local.set $ar (v128.load (local.get $re)))
    (local.set $cr (v128.load (i32.add (local.get $re) (i32.shl (local.get $m) (i32.const 4)))))
    (v128.store (local.get $re) (f64x2.mul (local.get $half) (f64x2.add (local.get $ar) (local.get $cr))))
    (v128.store (local.get $im) (f64x2.mul (local.get $half) (f64x2.sub (local.get $cr) (local.get $ar))))
    (local.set $k (i32.const 1))
    (block $done
      (br_if $done (i32.gt_u (local.get $k) (i32.shr_u (local.get $m) (i32.const 1))))
      (loop $bins
        (local.set $lo (i32.add (local.get $re) (i32.shl (local.get $k) (i32.const 4))))
        (local.set $hi (i32.add (local.get $re) (i32.shl (i32.sub (local.get $m) (local.get $k)) (i32.const 4))))
        (local.set $ar (v128.load (local.get $lo)))
        (local.set $ai (v128.load (i32.add (local.get $lo) (local.get $delta))))
        (local.set $cr (v128.load (local.get $hi)))
        (local.set $ci (f64x2.neg (v128.load (i32.add (local.get $hi) (local.get $delta)))))
        (local.set $er (f64x2.mul (local.get $half) (f64x2.add (local.get $ar) (local.get $cr))))
        (local.set $ei (f64x2.mul (local.get $half) (f64x2.add (local.get $ai) (local.get $ci))))
        (local.set $dr (f64x2.mul (local.get $half) (f64x2.sub (local.get $ar) (local.get $cr))))
        (local.set $di (f64x2.mul (local.get $half) (f64x2.sub (local.get $ai) (local.get $ci))))
        (local.set $c (v128.load (i32.add (local.get $cs) (i32.shl (local.get $k) (i32.const 5)))))
        (local.set $s (v128.load offset=16 (i32.add (local.get $cs) (i32.shl (local.get $k) (i32.const 5)))))
        ;; O = (c + i·s)·D
        (local.set $or (f64x2.sub (f64x2.mul (local.get $dr) (local.get $c)) (f64x2.mul (local.get $di) (local.get $s))))
        (local.set $oi (f64x2.add (f64x2.mul (local.get $dr) (local.get $s)) (f64x2.mul (local.get $di) (local.get $c))))
        ;; conj Z[m−k] = (er + oi, ei − or); conj Z[k] = (er − oi, −(ei + or))
        (v128.store (local.get $hi) (f64x2.add (local.get $er) (local.get $oi)))
        (v128.store (i32.add (local.get $hi) (local.get $delta)) (f64x2.sub (local.get $ei) (local.get $or)))
        (v128.store (local.get $lo) (f64x2.sub (local.get $er) (local.get $oi)))
        (v128.store (i32.add (local.get $lo) (local.get $delta)) (f64x2.neg (f64x2.add (local.get $ei) (local.get $or))))
        (local.tee $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $bins (i32.le_u (i32.shr_u (local.get $m) (i32.const 1))))))
  )
)
