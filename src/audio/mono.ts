/**
 * librosa's `to_mono`: the float32 mean of the channels, sample by sample (the channels summed in
 * float32 in order, then scaled, rounding as numpy's float32 mean does here). Stereo, the common
 * case, is one pass.
 */
export function downmix(channels: Float32Array[]): Float32Array {
  const first = channels[0] as Float32Array;
  if (channels.length === 1) return first.slice();
  const length = Math.min(...channels.map((c) => c.length));
  const mono = new Float32Array(length);
  if (channels.length === 2) {
    const second = channels[1] as Float32Array;
    for (let i = 0; i < length; i++)
      mono[i] = Math.fround((first[i] as number) + (second[i] as number)) * 0.5;
    return mono;
  }
  for (const channel of channels) {
    for (let i = 0; i < length; i++) mono[i] = (mono[i] as number) + (channel[i] as number);
  }
  const scale = 1 / channels.length;
  for (let i = 0; i < length; i++) mono[i] = (mono[i] as number) * scale;
  return mono;
}
