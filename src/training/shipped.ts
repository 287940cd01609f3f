import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  applyScaler,
  FEATURE_NAMES,
  type FeatureRecord,
  type HeardModel,
  loadTf,
  musicnnTagNames,
  type PretrainedOutputs,
  runNetwork,
  saveGenreModel,
  yamnetClassNames,
} from "../classifier/index.js";
import { PROJECT_ROOT } from "../config.js";
import { shippedCandidates } from "./candidates.js";
import { featuresOfAudioFiles } from "./dataset/audio-features.js";
import { readFeatureCsv } from "./dataset/csv.js";
import { clipOutputs, readDump } from "./embedding/dump.js";
import { fewShotStudy } from "./few-shot.js";
import {
  argmaxLabels,
  evaluateRows,
  expertBPredictions,
  fitHead,
  gatedRows,
  HEAD_VARIANTS,
  type HeardClip,
  headPredictions,
  OTHER_WEIGHT_GRID,
  pooledRows,
  WEIGHT_GRID,
} from "./fused.js";
import { writeFusedModelCard } from "./fused-report.js";
import { GENRE_MAPPING } from "./genre-mapping.js";
import { HEAD_EXPLORED } from "./head-exploration.js";
import { type Example, type TrainedModel, trainWithSelection } from "./recipe.js";
import { percent } from "./report.js";

/** The read-only training data that sits beside the repository. */
export const SHARED_DATA_DIR = path.resolve(PROJECT_ROOT, "..", "shared", "data");

export const EMOTIFY_GENRES = ["classical", "electronic", "pop", "rock"] as const;
const EMOTIFY_IDS_PER_GENRE = 80;
/** Emotify ids above this are held out for selection (ids 61–80 of each genre). */
const EMOTIFY_LAST_TRAIN_ID = 60;

/**
 * Where Emotify's features come from: "audio" runs our decoder + extractor on the MP3s (what the
 * bot serves); "reference" reads librosa's table, for when the extractor is unavailable.
 */
export type EmotifySource = "audio" | "reference";

interface EmotifyClip {
  genre: string;
  id: number;
  features: FeatureRecord;
}

async function emotifyClips(
  dataDir: string,
  source: EmotifySource,
  onFile?: (file: string) => void,
): Promise<EmotifyClip[]> {
  const root = path.join(dataDir, "emotify");
  if (source === "reference") {
    const rows = await readFeatureCsv(path.join(root, "librosa_reference.csv"));
    return rows.map((row) => ({
      genre: row.label,
      id: Number.parseInt(row.name, 10),
      features: row.features,
    }));
  }
  const clips = EMOTIFY_GENRES.flatMap((genre) =>
    Array.from({ length: EMOTIFY_IDS_PER_GENRE }, (_, i) => ({ genre, id: i + 1 })),
  );
  const results = await featuresOfAudioFiles(
    clips.map(({ genre, id }) => path.join(root, genre, `${id}.mp3`)),
    onFile,
  );
  return results.map((result, i) => {
    if ("error" in result) throw result.error;
    return { ...(clips[i] as { genre: string; id: number }), features: result.features };
  });
}

/**
 * Exploration behind shippedCandidates (GTZAN valid accuracy at the best checkpoint, features from
 * the librosa tables, same split): kept in the model card so the choice can be revisited.
 */
const EXPLORED = [
  "Log-compressing the variance features before standardising: 46 % → 50 % (averages over 3–5 seeds).",
  "Leaving out tempo, harmony_mean and perceptr_mean: 50 % → 52 % (3 seeds).",
  "Bigger nets (ReLU 128, 256→128) before the embedding: 43–49 %; they fit the 443 GTZAN clips and stop generalising.",
  "Averaging 2–5 seeds: within ±2 points of single models, so variance is not the bottleneck — unseen artists are.",
  "Mixup α 0.3/0.6, input noise σ 0.3, L2 3e-3, dropout 0.5, embedding 16 or 64: 46–51 %, no clear winner.",
  "GTZAN alone (no Emotify in training): 45–47 % on GTZAN valid, so adding Emotify does not hurt GTZAN.",
  "Baselines on the same split: random forest 41 %, scaled MLP 43 %. The 55 % target was not reached.",
  'Follow-up push for 55 % on GTZAN valid (a numpy re-implementation of this trainer — same network, Adam, dropout, input noise, mixup, class weights — on the librosa tables; it reproduces the figures above). Mean ± SD over 3–10 seeds. Where marked "CV", the epoch count (or LDA shrinkage) was chosen by 5-fold cross-validation on the training part, grouped by blocks of 20 consecutive GTZAN clip numbers per genre as a stand-in for artists (the table has no artist column), so valid did not pick it; elsewhere the best epoch was read off valid, which flatters the figure. Nothing reached 55 %.',
  "GTZAN train only (no Emotify): shipped setting 48.0 ± 1.4 % (10 seeds, 200 epochs), 47.9 ± 2.7 % (5 seeds, CV epoch); 19 variations at their best valid epoch (3 seeds: lr 3e-3, label smoothing 0.1, L2 1e-4 to 1e-2, dropout 0.5, mixup 0 or 1.0, noise σ 0.3, input dropout 0.2, all 57 features, embedding 64 or 128, a ReLU 128 or 256 layer, no class weights, batch 16 or 64): 47.5–49.2 %.",
  "GTZAN train + Emotify 1–60, CV epoch, 5 seeds: shipped setting 48.2 ± 1.8 % (49.8 % at the best valid epoch); batch 16 49.9 ± 0.9 %; embedding 64 with dropout 0.5 49.4 ± 1.4 %; label smoothing 0.1 without mixup 49.0 ± 1.2 %; all 57 features 48.6 ± 1.5 %; ReLU 64 → tanh 32 48.5 ± 1.7 %; lr 3e-4 for 400 epochs 48.2 ± 0.8 %; mixup with label smoothing 47.5 ± 2.4 %; rank-Gaussian (quantile) inputs 46.8 ± 1.4 %; input dropout 0.3 46.1 ± 1.0 %. Training on Emotify 1–80 instead of 1–60: 46.7 ± 2.2 %.",
  "Other model families (with and without Emotify): multinomial logistic regression (class-balanced, L2 1e-4 to 0.1) on raw, log-variance or rank-Gaussian standardised features 38–48 %; PCA-whitening to 10/20/30/54 components, logistic 38–49 %, MLP 39–49 %; shrinkage LDA with CV shrinkage 48.2–50.8 %; cosine kNN (k 5/10/20) 37–46 %.",
  "Ensembles: averaging 5 or 10 seeds 47.2–49.7 % (single seeds 48.0–48.7 ± 1.4 %); MLP seeds + logistic regression 45.7–48.0 %; 3 MLP seeds + LDA 47.7–51.8 % (one run each).",
  "Feature selection: dropping one group (loudness, chroma, spectral shape, zero crossings, MFCC 11–20, MFCC means or variances) moved 3-seed means by −6 to +3.4 points, and loudness and MFCC means helped without Emotify but hurt with it (noise); greedy backward elimination by grouped CV raised CV accuracy from 53 to 62 % while valid fell from 50–51 % to 42–47 %: with ~450 clips from few artists per genre, selection overfits whatever it is tuned on.",
  "Conclusion: with these 57 clip-level features every model family lands at 48–51 % on the unseen-artist valid split, so the shipped model was not replaced; 55 % probably needs richer inputs (frame- or segment-level features, a pretrained audio embedding) rather than another classifier head.",
];

/** Measured, not computed by training: re-measure with `npm run bench classifier` after changing the pipeline. */
const SPEED = [
  "Genre v2, `npm run bench classifier` on the 2-core development machine (load ≈ 0.8), emotify/rock/1.mp3, genre model with expert B per 3 s patch: `analyzeAudio` end to end 872 ms CPU / 781 ms wall (median of 7) — musicnn 359 ms, YAMNet 90 ms, the frame-level feature pass 175 ms, decode 98 ms. Through the worker pool with 2 workers: 2.1 clips/s.",
  "Genre v1 (features only):",
  "`npm run bench classifier` on the 2-core development machine (load ≈ 1), a 30 s Emotify MP3: `analyzeAudio` end to end " +
    "takes 512 ms wall / 589 ms CPU (median) — decode + resample 198 ms CPU, one frame-level feature pass 455 ms CPU " +
    "(HPSS ≈ 260 ms of it), the 57 whole-clip features 61 ms, the five timeline windows 10 ms, inference 1.1 ms.",
  "Through the worker pool with 2 workers: 3.0 clips/s.",
  "The design target of 150 ms per clip on one core is not met: the WebAssembly MP3 decoder and HPSS's median filters " +
    "dominate. For comparison, librosa needs about 1.5 s for the same 57 features on this machine.",
];

/** The ten GTZAN clips that exist here as audio: `gtzan/audio/<genre>/<genre>.00000.wav`. */
const GTZAN_GENRES = [
  "blues",
  "classical",
  "country",
  "disco",
  "hiphop",
  "jazz",
  "metal",
  "pop",
  "reggae",
  "rock",
];

export interface ShippedData {
  gtzanTrain: Example[];
  gtzanValid: Example[];
  emotifyTrain: HeardClip[];
  emotifySelect: HeardClip[];
  wavs: HeardClip[];
}

/**
 * What the pretrained networks hear in each Emotify clip: read from the embedding dump
 * (`npm run embedding:dump`), any clip missing from it heard now through the same path.
 */
async function emotifyOutputs(
  dataDir: string,
  onClip?: (name: string) => void,
): Promise<Map<string, PretrainedOutputs>> {
  const dumped = new Map((await readDump()).map((c) => [`${c.genre}/${c.id}`, c as PretrainedOutputs]));
  for (const genre of EMOTIFY_GENRES) {
    for (let id = 1; id <= EMOTIFY_IDS_PER_GENRE; id++) {
      const key = `${genre}/${id}`;
      if (!dumped.has(key)) {
        const bytes = new Uint8Array(await readFile(path.join(dataDir, "emotify", genre, `${id}.mp3`)));
        dumped.set(key, await clipOutputs(bytes));
      }
      onClip?.(key);
    }
  }
  return dumped;
}

/** Everything the shipped recipe reads: GTZAN's table, Emotify and the ten WAVs with what the networks hear. */
export async function loadShippedData(options: {
  dataDir?: string;
  emotifySource?: EmotifySource;
  onFile?: (file: string) => void;
}): Promise<ShippedData> {
  const dataDir = options.dataDir ?? SHARED_DATA_DIR;
  const gtzan = await readFeatureCsv(path.join(dataDir, "gtzan", "features_30_sec.csv"));
  const emotify = await emotifyClips(dataDir, options.emotifySource ?? "audio", options.onFile);
  const outputs = await emotifyOutputs(dataDir, options.onFile);
  const heard = emotify.map((c) => ({
    id: c.id,
    label: c.genre,
    features: c.features,
    outputs: outputs.get(`${c.genre}/${c.id}`) as PretrainedOutputs,
  }));
  const wavFiles = GTZAN_GENRES.map((g) => path.join(dataDir, "gtzan", "audio", g, `${g}.00000.wav`));
  const wavFeatures = await featuresOfAudioFiles(wavFiles, options.onFile);
  const wavs: HeardClip[] = [];
  for (const [i, result] of wavFeatures.entries()) {
    if ("error" in result) throw result.error;
    const bytes = new Uint8Array(await readFile(result.file));
    wavs.push({
      label: GTZAN_GENRES[i] as string,
      features: result.features,
      outputs: await clipOutputs(bytes),
    });
    options.onFile?.(result.file);
  }
  const example = (split: string) =>
    gtzan.filter((row) => row.split === split).map((row) => ({ features: row.features, label: row.label }));
  return {
    gtzanTrain: example("train"),
    gtzanValid: example("valid"),
    emotifyTrain: heard.filter((c) => c.id <= EMOTIFY_LAST_TRAIN_ID),
    emotifySelect: heard.filter((c) => c.id > EMOTIFY_LAST_TRAIN_ID),
    wavs,
  };
}

/** Expert A's probabilities (in `labels` order) for feature records. */
export async function expertAProbabilities(
  trained: TrainedModel,
  records: FeatureRecord[],
): Promise<number[][]> {
  const { tf } = await loadTf();
  const k = trained.labels.length;
  const { probabilities } = runNetwork(
    tf,
    trained.network,
    applyScaler(trained.scaler, records),
    records.length,
  );
  return records.map((_, row) => Array.from(probabilities.subarray(row * k, (row + 1) * k)));
}

/** One point of a fusion grid: the fused model on the two audio selection sets. */
export interface FusionPoint {
  design: "gated" | "pooled";
  /** gated: the group weight; pooled: the one weight on expert B. */
  weight: number;
  /** gated only: the weight on the mapping among the other genres. */
  otherWeight?: number;
  emotify: number;
  wavs: number;
}

/**
 * The shipped recipe (genre v2): expert A (the MLP over the 57 features, chosen as before on
 * GTZAN valid + Emotify 61–80) trained on GTZAN train + Emotify 1–60 only; expert B's head on the
 * pretrained outputs of Emotify 1–60, its inputs chosen by cross-validation on those clips, plus
 * the fixed genre mapping; then the fusion's two weights chosen on the audio selection sets
 * (Emotify 61–80, 11-way, and the ten GTZAN WAVs) by the mean of their accuracies, the first best
 * (smaller weights) on a tie. A single log-linear pool is measured beside it.
 */
export async function trainShippedModel(options: {
  outDir: string;
  dataDir?: string;
  emotifySource?: EmotifySource;
  onFile?: (file: string) => void;
  onProgress?: (message: string) => void;
}): Promise<{ version: string; heldOut: Record<string, number> }> {
  const data = await loadShippedData(options);
  const labels = [...new Set([...data.gtzanTrain, ...data.emotifyTrain].map((e) => e.label))].sort();
  const trained = await trainWithSelection({
    labels,
    final: "train",
    train: [...data.gtzanTrain, ...data.emotifyTrain.map((c) => ({ features: c.features, label: c.label }))],
    valid: [
      ...data.gtzanValid.map((e) => ({ ...e, group: "GTZAN valid" })),
      ...data.emotifySelect.map((c) => ({ features: c.features, label: c.label, group: "Emotify 61–80" })),
    ],
    candidates: shippedCandidates(FEATURE_NAMES),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const names = { tags: await musicnnTagNames(), classes: await yamnetClassNames() };
  const headLabels = [...EMOTIFY_GENRES];
  const emotifyTruth = data.emotifySelect.map((c) => c.label);
  const wavTruth = data.wavs.map((c) => c.label);
  const heads = HEAD_VARIANTS.map((variant) => {
    const result = fitHead(
      data.emotifyTrain,
      headLabels,
      variant.blocks,
      FEATURE_NAMES,
      variant.name,
      variant.perPatch,
    );
    const select = evaluateRows(headLabels, emotifyTruth, headPredictions(result.head, data.emotifySelect));
    options.onProgress?.(
      `expert B head on ${variant.name}: cross-validated ${percent(result.cvAccuracy)} (log-loss ${result.cvLogLoss.toFixed(3)}), Emotify 61–80 (4-way) ${percent(select.accuracy)}`,
    );
    return { ...result, selectAccuracy: select.accuracy };
  });
  const head = heads.reduce((best, h) => (h.cvLogLoss < best.cvLogLoss ? h : best));

  const pA = {
    emotify: await expertAProbabilities(
      trained,
      data.emotifySelect.map((c) => c.features),
    ),
    wavs: await expertAProbabilities(
      trained,
      data.wavs.map((c) => c.features),
    ),
    gtzan: await expertAProbabilities(
      trained,
      data.gtzanValid.map((c) => c.features),
    ),
  };
  const pB = {
    emotify: expertBPredictions(labels, head.head, GENRE_MAPPING, names, data.emotifySelect),
    wavs: expertBPredictions(labels, head.head, GENRE_MAPPING, names, data.wavs),
  };
  const measure = (rows: (a: number[][], b: number[][]) => number[][]) => ({
    emotify: evaluateRows(labels, emotifyTruth, rows(pA.emotify, pB.emotify)).accuracy,
    wavs: evaluateRows(labels, wavTruth, rows(pA.wavs, pB.wavs)).accuracy,
  });
  const grid: FusionPoint[] = [];
  for (const weight of WEIGHT_GRID) {
    grid.push({ design: "pooled", weight, ...measure((a, b) => pooledRows(a, b, weight)) });
  }
  for (const otherWeight of OTHER_WEIGHT_GRID) {
    for (const weight of WEIGHT_GRID) {
      const fusion = { groupWeight: weight, otherWeight };
      grid.push({
        design: "gated",
        weight,
        otherWeight,
        ...measure((a, b) => gatedRows(labels, headLabels, a, b, fusion)),
      });
    }
  }
  const score = (p: FusionPoint) => (p.emotify + p.wavs) / 2;
  const chosen = grid
    .filter((p) => p.design === "gated")
    .reduce((best, p) => (score(p) > score(best) ? p : best));
  const fusion = { groupWeight: chosen.weight, otherWeight: chosen.otherWeight ?? 0 };
  const fused = (a: number[][], b: number[][]) => gatedRows(labels, headLabels, a, b, fusion);
  const evaluations = {
    gtzanValidA: evaluateRows(
      labels,
      data.gtzanValid.map((e) => e.label),
      pA.gtzan,
    ),
    emotify: {
      a: evaluateRows(labels, emotifyTruth, pA.emotify),
      b: evaluateRows(labels, emotifyTruth, pB.emotify),
      fused: evaluateRows(labels, emotifyTruth, fused(pA.emotify, pB.emotify)),
    },
    wavs: {
      a: evaluateRows(labels, wavTruth, pA.wavs),
      b: evaluateRows(labels, wavTruth, pB.wavs),
      fused: evaluateRows(labels, wavTruth, fused(pA.wavs, pB.wavs)),
    },
  };
  const wavPredictions = argmaxLabels(labels, fused(pA.wavs, pB.wavs));
  options.onProgress?.(
    "few-shot study: 10, 20, 40 Emotify clips per genre, as `genrebot train <folders>` would",
  );
  const fewShot = await fewShotStudy(data.emotifyTrain, data.emotifySelect);
  const heard: HeardModel = { head: head.head, mapping: GENRE_MAPPING, fusion };
  const version = await saveGenreModel(options.outDir, trained.network, trained.scaler, labels, heard);
  await writeFusedModelCard(options.outDir, {
    version,
    trained,
    heads,
    chosenHead: head.name,
    grid,
    chosen: fusion,
    evaluations,
    wavs: data.wavs.map((c, i) => ({ label: c.label, predicted: wavPredictions[i] ?? "" })),
    fewShot,
    counts: {
      gtzanTrain: data.gtzanTrain.length,
      gtzanValid: data.gtzanValid.length,
      emotifyTrain: data.emotifyTrain.length,
      emotifySelect: data.emotifySelect.length,
    },
    featureSource:
      options.emotifySource === "reference"
        ? "GTZAN and Emotify from their librosa tables; the ten WAVs from genrebot's own decoder + extractor"
        : "GTZAN from its librosa table; Emotify and the ten WAVs from genrebot's own decoder + extractor",
    explored: EXPLORED,
    headExplored: HEAD_EXPLORED,
    speed: SPEED,
  });
  trained.network.dispose();
  return {
    version,
    heldOut: {
      "GTZAN valid (features alone)": evaluations.gtzanValidA.accuracy,
      "Emotify 61–80 (11-way, fused)": evaluations.emotify.fused.accuracy,
      "ten GTZAN WAVs (fused)": evaluations.wavs.fused.accuracy,
    },
  };
}
