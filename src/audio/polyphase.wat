;; Sample-rate conversion by a rational ratio up/down (44.1 -> 16 kHz: 160/441), the direct loop of
;; resample.ts's polyphase filter bank, four float32 multiply-adds per instruction. For t < nOut:
;;   out[t] = sum over j of taps[phase*stride + j] * x[n + j], n = floor(t*down / up), phase = t*down mod up
;; with n and phase stepped incrementally. x, taps and out are byte offsets of float32 arrays;
;; stride is a positive multiple of 4 (zero taps pad each phase). Float32 accumulation, as
;; resampy's own (it sums into a float32 output).
;;
;; Built by `npm run build:wasm` (wabt's wat2wasm, in Node) into polyphase.wasm beside this file.
(module
  (memory (export "memory") 1)

  (func (export "polyphase") (param $x i32) (param $taps i32) (param $out i32) (param $nOut i32)
    (param $up i32) (param $down i32) (param $stride i32)
    (local $t i32) (local $n i32) (local $phase i32) (local $j i32) (local $tapBase i32) (local $xBase i32)
    (local $strideBytes i32) (local $acc v128)
    (local.set $strideBytes (i32.shl (local.get $stride) (i32.const 2)))
    (block $done
      (loop $output
        (br_if $done (i32.ge_u (local.get $t) (local.get $nOut)))
        (local.set $tapBase (i32.add (local.get $taps) (i32.mul (local.get $phase) (local.get $strideBytes))))
        (local.set $xBase (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (loop $tap
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (v128.load (i32.add (local.get $tapBase) (local.get $j)))
                (v128.load (i32.add (local.get $xBase) (local.get $j))))))
          (br_if $tap
            (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $strideBytes))))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $t) (i32.const 2)))
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
            (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        (local.set $phase (i32.add (local.get $phase) (local.get $down)))
        (local.set $n (i32.add (local.get $n) (i32.div_u (local.get $phase) (local.get $up))))
        (local.set $phase (i32.rem_u (local.get $phase) (local.get $up)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $output)))
  )
)
