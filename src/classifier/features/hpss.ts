import { medianFilterColumns, medianFilterRows } from "./median.js";
import { type MeanVariance, meanVariance } from "./stats.js";
import { FLOAT32_TINY, istft, N_BINS, type Stft } from "./stft.js";

/** librosa.decompose.hpss default kernel_size: 31 frames (harmonic) and 31 bins (percussive). */
const KERNEL = 31;

export interface HpssStats {
  harmonic: MeanVariance;
  percussive: MeanVariance;
}

/**
 * The harmonic waveform of librosa.effects.hpss(y) (kernel 31, power 2, margin 1): median-filter
 * the magnitude along time (harmonic) and frequency (percussive), soft mask H²/(H²+P²) (0.5 where
 * both are ~0, librosa's split_zeros), masked STFT back through istft(length=len(y)).
 */
export function harmonicWaveform(
  samples: Float32Array,
  spectrum: Stft,
  magnitude: Float32Array,
): Float64Array {
  const { nFrames } = spectrum;
  const percussive = medianFilterRows(magnitude, nFrames, N_BINS, KERNEL);
  const harmonic = medianFilterColumns(magnitude, nFrames, N_BINS, KERNEL);
  // The harmonic mask, written over the harmonic medians it is computed from.
  const mask = harmonic;
  for (let i = 0; i < mask.length; i++) {
    const h = harmonic[i] as number;
    const p = percussive[i] as number;
    mask[i] = Math.max(h, p) < FLOAT32_TINY ? 0.5 : (h * h) / (h * h + p * p);
  }
  return istft(spectrum, samples.length, mask);
}

export interface HpssWaveforms {
  harmonic: Float64Array;
  percussive: Float64Array;
}

/**
 * Both waveforms of librosa.effects.hpss(y). The percussive mask is 1 − the harmonic one and
 * istft(stft(y)) is y, so the percussive waveform is y minus the harmonic one: one inverse STFT
 * instead of two.
 */
export function hpssWaveforms(samples: Float32Array, spectrum: Stft, magnitude: Float32Array): HpssWaveforms {
  const harmonic = harmonicWaveform(samples, spectrum, magnitude);
  const percussive = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) percussive[i] = (samples[i] as number) - (harmonic[i] as number);
  return { harmonic, percussive };
}

/** Mean and variance of both waveforms of librosa.effects.hpss(y). */
export function hpssStats(samples: Float32Array, spectrum: Stft, magnitude: Float32Array): HpssStats {
  const { harmonic, percussive } = hpssWaveforms(samples, spectrum, magnitude);
  return { harmonic: meanVariance(harmonic), percussive: meanVariance(percussive) };
}
