;; The chroma projection of librosa.feature.chroma_stft: for every frame, the 12 sums over FFT
;; bins of filterbank weight × power, in float64, two pitch classes per f64x2 vector. Each sum
;; runs over the bins in order with one rounding per multiply and per add, exactly as the same
;; loop in JavaScript would.
;;
;; Built by `npm run build:wasm` (wabt's wat2wasm, in Node) into chroma.wasm beside this file.
(module
  (memory (export "memory") 1)

  ;; power: frames × bins float32 (frame-major); weights: bins × 12 float64 (bin-major);
  ;; out: frames × 12 float64.
  (func (export "project") (param $power i32) (param $frames i32) (param $bins i32) (param $weights i32)
    (param $out i32)
    (local $t i32) (local $p i32) (local $end i32) (local $w i32) (local $x v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128)
    (local.set $p (local.get $power))
    (block $done
      (br_if $done (i32.eqz (local.get $frames)))
      (loop $frame
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        (local.set $a4 (v128.const i64x2 0 0))
        (local.set $a5 (v128.const i64x2 0 0))
        (local.set $w (local.get $weights))
        (local.set $end (i32.add (local.get $p) (i32.shl (local.get $bins) (i32.const 2))))
        (loop $bin
          (local.set $x (f64x2.splat (f64.promote_f32 (f32.load (local.get $p)))))
          (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load (local.get $w)) (local.get $x))))
          (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (v128.load offset=16 (local.get $w)) (local.get $x))))
          (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (v128.load offset=32 (local.get $w)) (local.get $x))))
          (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (v128.load offset=48 (local.get $w)) (local.get $x))))
          (local.set $a4 (f64x2.add (local.get $a4) (f64x2.mul (v128.load offset=64 (local.get $w)) (local.get $x))))
          (local.set $a5 (f64x2.add (local.get $a5) (f64x2.mul (v128.load offset=80 (local.get $w)) (local.get $x))))
          (local.set $w (i32.add (local.get $w) (i32.const 96)))
          (local.tee $p (i32.add (local.get $p) (i32.const 4)))
          (br_if $bin (i32.lt_u (local.get $end))))
        (v128.store (local.get $out) (local.get $a0))
        (v128.store offset=16 (local.get $out) (local.get $a1))
        (v128.store offset=32 (local.get $out) (local.get $a2))
        (v128.store offset=48 (local.get $out) (local.get $a3))
        (v128.store offset=64 (local.get $out) (local.get $a4))
        (v128.store offset=80 (local.get $out) (local.get $a5))
        (local.set $out (i32.add (local.get $out) (i32.const 96)))
        (local.tee $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $frame (i32.lt_u (local.get $frames)))))
  )
)
