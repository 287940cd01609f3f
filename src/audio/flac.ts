/**
 * The FLAC decoder in audio-decode scales n-bit integers by 1/(2^(n-1) − 1) (int16 / 32767);
 * libsndfile, which librosa reads FLAC through, scales by 1/2^(n-1) (int16 / 32768). The integer
 * is recovered exactly by rounding, then rescaled the libsndfile way (measured for 16-bit FLAC;
 * 24-bit assumed to follow the same rule, where an error would be below 1.2e-7 relative anyway).
 */
export function flacBitsPerSample(bytes: Uint8Array): number | undefined {
  // "fLaC", 4-byte block header, then STREAMINFO: bits-per-sample − 1 straddles bytes 20 and 21.
  const b20 = bytes[20];
  const b21 = bytes[21];
  if (b20 === undefined || b21 === undefined) return undefined;
  return (((b20 & 1) << 4) | (b21 >> 4)) + 1;
}

export function rescaleLikeLibsndfile(channels: Float32Array[], bits: number): void {
  const decoderScale = 2 ** (bits - 1) - 1;
  const libsndfileScale = 2 ** (bits - 1);
  for (const channel of channels) {
    for (let i = 0; i < channel.length; i++) {
      channel[i] = Math.round((channel[i] as number) * decoderScale) / libsndfileScale;
    }
  }
}
