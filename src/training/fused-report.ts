import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { GatedFusion, LinearHead } from "../classifier/index.js";
import type { Evaluation } from "./evaluation/metrics.js";
import type { FewShotRow } from "./few-shot.js";
import { GENRE_MAPPING } from "./genre-mapping.js";
import type { TrainedModel } from "./recipe.js";
import { confusionTable, evaluationTable, percent } from "./report.js";
import type { FusionPoint } from "./shipped.js";

interface ExpertsEvaluation {
  a: Evaluation;
  b: Evaluation;
  fused: Evaluation;
}

export interface FusedCard {
  version: string;
  trained: TrainedModel;
  heads: Array<{
    name: string;
    head: LinearHead;
    l2: number;
    cvAccuracy: number;
    cvLogLoss: number;
    selectAccuracy: number;
  }>;
  chosenHead: string;
  grid: FusionPoint[];
  chosen: GatedFusion;
  evaluations: { gtzanValidA: Evaluation; emotify: ExpertsEvaluation; wavs: ExpertsEvaluation };
  wavs: Array<{ label: string; predicted: string }>;
  counts: { gtzanTrain: number; gtzanValid: number; emotifyTrain: number; emotifySelect: number };
  featureSource: string;
  fewShot: FewShotRow[];
  explored: string[];
  headExplored: string[];
  speed: string[];
}

function section(title: string, evaluation: Evaluation): string[] {
  return [
    `### ${title}: accuracy ${percent(evaluation.accuracy)} (${evaluation.count} clips)`,
    "",
    evaluationTable(evaluation),
    "",
    confusionTable(evaluation),
    "",
  ];
}

/**
 * metrics.json and README.md (the model card) of the fused genre model, every figure from the
 * training run itself. No timestamps: the same data and seed give byte-identical files.
 */
export async function writeFusedModelCard(dir: string, card: FusedCard): Promise<void> {
  const { trained, evaluations: ev } = card;
  const config = trained.chosen.config;
  const mappingRows = Object.entries(GENRE_MAPPING).map(
    ([genre, m]) => `| ${genre} | ${m.msd.join(", ") || "—"} | ${m.audioset.join(", ") || "—"} |`,
  );
  const cell = (p: FusionPoint | undefined) =>
    p ? `${percent(p.emotify)} · ${Math.round(p.wavs * 10)}/10` : "";
  const weights = [...new Set(card.grid.map((p) => p.weight))];
  const otherWeights = [
    ...new Set(card.grid.flatMap((p) => (p.otherWeight === undefined ? [] : [p.otherWeight]))),
  ];
  const gridRows = [
    `| single pool over all 11 | ${weights.map((w) => cell(card.grid.find((p) => p.design === "pooled" && p.weight === w))).join(" | ")} |`,
    ...otherWeights.map(
      (o) =>
        `| gated, weight among the others ${o} | ${weights
          .map((w) =>
            cell(card.grid.find((p) => p.design === "gated" && p.weight === w && p.otherWeight === o)),
          )
          .join(" | ")} |`,
    ),
  ];
  const lines = [
    `# Genre model ${card.version}`,
    "",
    `Labels (${trained.labels.length}): ${trained.labels.join(", ")}.`,
    "",
    "## Data",
    "",
    `- GTZAN: only its librosa feature table exists here (57 features per clip, no audio), with the artist-filtered split of Kereliuk et al. 2015: ` +
      `\`train\` (${card.counts.gtzanTrain} clips) trains, \`valid\` (${card.counts.gtzanValid}) selects; the \`test\` part is kept out on purpose. ` +
      "Plus ten real GTZAN WAVs (`<genre>.00000.wav`, one per genre) that select; jazz, reggae and rock 00000 are in the train split of the table, " +
      "blues, classical, country, disco and metal in valid, hiphop and pop in neither (they are in the withheld test part).",
    `- Emotify (Creative Commons music from Magnatune, 4 genres × 80 clips of real audio): ids 1–60 train (${card.counts.emotifyTrain}), ids 61–80 select (${card.counts.emotifySelect}). ` +
      "Classical/pop/rock join the GTZAN classes of the same name; electronic exists only in Emotify.",
    `- Features: ${card.featureSource}. Pretrained outputs (musicnn MSD \`dense\`/\`bn_dense\`/tags, YAMNet embedding/scores, clip means over patches, and musicnn \`dense\` of each 3 s patch) through the bot's own 16 kHz path; ` +
      "Emotify's come from `npm run embedding:dump` (.cache/, recomputed for any clip missing).",
    "- Nothing is trained on a selection clip: the shipped networks are the training-part models themselves (no retraining on train + selection), so every figure below is the shipped model's own.",
    "",
    "## Design: two experts, pooled",
    "",
    `- **Expert A** (what the 57 features say; also all \`genrebot evaluate --features\` can measure): a TensorFlow.js MLP over ${trained.chosen.featureNames.length} standardised features ` +
      `(variance features log-compressed; scaler.json): ${[...config.hidden.map((u) => `dense ${u} ReLU`), `dense ${config.embeddingSize} tanh (embedding)`, `softmax ${trained.labels.length}`].join(" → ")}. ` +
      `Adam lr ${config.learningRate}, batch ${config.batchSize}, dropout ${config.dropout}, input dropout ${config.inputDropout}, input noise σ ${config.inputNoise}, L2 ${config.l2}, mixup α ${config.mixup}, ` +
      `class-balanced, seed ${config.seed}, ${trained.epochs} epochs on GTZAN train + Emotify 1–60 (model.json, weights.bin).`,
    `- **Expert B** (what the pretrained networks hear; heard.json): a class-balanced multinomial logistic regression on standardised **${card.chosenHead}** over the four Emotify genres ` +
      `${card.heads.find((h) => h.name === card.chosenHead)?.head.perPatch ? "(fitted on every 3 s patch of ids 1–60, each labelled with its clip's genre — ten times the rows of the clip means; a clip's probabilities are the normalised geometric mean of its patches') " : ""}` +
      "(inputs and L2 chosen by 5-fold cross-validation on ids 1–60, grouped by clip, by log-loss); the seven genres Emotify has no audio for enter through the fixed mapping below: their evidence is the noisy-OR of the mapped " +
      "tag/class probabilities (the chance at least one fires); the chance that any of them fires is split among them by evidence, the rest goes to the head's four genres.",
    "- **Fusion, gated** (each expert decides what it knows): first whether the clip is one of the head's four genres or one of the other seven — the two experts' shares pooled " +
      `log-linearly, A^(1−w)·B^w with **w = ${card.chosen.groupWeight}**; then, within the four, expert B's head decides; within the seven, expert A's choice pooled with the mapping's, ` +
      `weight **${card.chosen.otherWeight}** on the mapping. The two weights are the only knobs chosen on the selection clips (mean of Emotify 61–80 11-way accuracy and the ten WAVs' accuracy; the first best, i.e. smaller weights, on a tie).`,
    "",
    "### The fixed genre mapping (read off the two vocabularies, never fitted)",
    "",
    "| genre | MSD tags (musicnn) | AudioSet classes (YAMNet) |",
    "|---|---|---|",
    ...mappingRows,
    "",
    "## Every variant tried (figures from this training run)",
    "",
    "### Expert A candidates (trained on the training part, held-out = GTZAN valid + Emotify 61–80, features only, 11-way)",
    "",
    "| candidate | held-out accuracy | best epoch | per group |",
    "|---|---|---|---|",
    ...trained.selection.map(
      (s) =>
        `| ${s.name} | ${percent(s.validAccuracy)} | ${s.bestEpoch} | ${Object.entries(s.groups)
          .map(([g, a]) => `${g} ${percent(a)}`)
          .join(", ")} |`,
    ),
    "",
    `Chosen: **${trained.chosen.name}**, ${trained.epochs} epochs.`,
    "",
    "### Expert B head inputs (Emotify, 4-way; chosen by cross-validation on ids 1–60, not by the selection clips)",
    "",
    "5-fold, fold = clip index mod 5 (a clip's patches stay together); the lowest CV log-loss (mean −ln p of the true genre) chooses both L2 and the inputs, since the head's probabilities, not only its argmax, enter the pool. √ = square root of the ReLU outputs; \"each 3 s patch\" = fitted on patches, a clip scored by the geometric mean of its patches' probabilities.",
    "",
    "| inputs | L2 (CV) | CV log-loss, ids 1–60 | CV accuracy, ids 1–60 | Emotify 61–80 |",
    "|---|---|---|---|---|",
    ...card.heads.map(
      (h) =>
        `| ${h.name} | ${h.l2} | ${h.cvLogLoss.toFixed(3)} | ${percent(h.cvAccuracy)} | ${percent(h.selectAccuracy)} |`,
    ),
    "",
    "### Expert B heads explored in a scratch study (exact fits; not regenerated by training)",
    "",
    ...card.headExplored.map((l) => `- ${l}`),
    "",
    `### Fusion: Emotify 61–80 (11-way) · ten WAVs, for each weight on expert B (0 = A alone, 1 = B alone), head on ${card.chosenHead}`,
    "",
    `| design | ${weights.map((w) => `w ${w}`).join(" | ")} |`,
    `|---|${weights.map(() => "---").join("|")}|`,
    ...gridRows,
    "",
    "## Selection sets: each expert and the fused model",
    "",
    "| selection set | expert A (57 features) | expert B (pretrained) | fused (shipped) |",
    "|---|---|---|---|",
    `| GTZAN valid (features only) | ${percent(ev.gtzanValidA.accuracy)} | — (no audio) | — (no audio) |`,
    `| Emotify 61–80, 11-way | ${percent(ev.emotify.a.accuracy)} | ${percent(ev.emotify.b.accuracy)} | ${percent(ev.emotify.fused.accuracy)} |`,
    `| ten GTZAN WAVs | ${Math.round(ev.wavs.a.accuracy * 10)}/10 | ${Math.round(ev.wavs.b.accuracy * 10)}/10 | ${Math.round(ev.wavs.fused.accuracy * 10)}/10 |`,
    "",
    `The ten WAVs, fused: ${card.wavs.map((w) => `${w.label} → ${w.predicted}${w.label === w.predicted ? " ✓" : " ✗"}`).join("; ")}.`,
    "",
    ...section("GTZAN valid, expert A (the 57 features)", ev.gtzanValidA),
    ...section("Emotify 61–80, fused", ev.emotify.fused),
    ...section("The ten GTZAN WAVs, fused", ev.wavs.fused),
    "## Your own labels: `genrebot train <folders>`",
    "",
    "A folder model answers from a linear head on musicnn's `dense` + the 57 features (L2 by cross-validation), and keeps the 57-feature MLP beside it for `evaluate --features`. " +
      "Measured here as a user would: the first n Emotify training clips (ids 1…n) of each of the four genres, the same 80/20 split and epoch choice as the folder trainer, tested on ids 61–80 (4-way):",
    "",
    "| clips per genre | embedding + features | 57 features alone |",
    "|---|---|---|",
    ...card.fewShot.map((r) => `| ${r.perLabel} | ${percent(r.heard)} | ${percent(r.features)} |`),
    "",
    "## What could not be measured, and why",
    "",
    "- The fused model on GTZAN valid: the table has no audio, so no embedding; GTZAN's genres other than classical/pop/rock are checked on audio only through the ten WAVs (one clip per genre, three of them in GTZAN's train split, so expert A has seen those three).",
    "- The mapping's precision per genre: no labelled audio for blues, country, disco, hip-hop, jazz, metal or reggae beyond one WAV each.",
    "- A student network on [57 features, embedding] with modality dropout: every GTZAN row would have its embedding dropped, so the embedding part could learn only the four Emotify genres — not measured for lack of time; the two-expert design keeps that split explicit.",
    "",
    ...(card.speed.length > 0 ? ["## Speed", "", ...card.speed.map((l) => `- ${l}`), ""] : []),
    "## Earlier exploration of expert A (genre v1, the 57 features)",
    "",
    ...card.explored.map((l) => `- ${l}`),
    "",
    "## Known limits",
    "",
    "- Genres outside these eleven are forced onto the nearest of them.",
    "- Expert B's head heard only four genres of Creative Commons music (240 clips); the other seven rest on the tag mapping and on expert A.",
    "- GTZAN recordings are 1990s-era, many from a few artists per genre: expect mistakes between neighbouring genres (rock/metal/country, disco/pop, blues/jazz).",
    "",
  ];
  const metrics = {
    version: card.version,
    labels: trained.labels,
    expertA: { chosen: { ...trained.chosen, epochs: trained.epochs }, selection: trained.selection },
    expertB: {
      heads: card.heads.map((h) => ({
        name: h.name,
        l2: h.l2,
        cvAccuracy: h.cvAccuracy,
        cvLogLoss: h.cvLogLoss,
        selectAccuracy: h.selectAccuracy,
      })),
      chosen: card.chosenHead,
    },
    fusion: { grid: card.grid, chosen: card.chosen },
    evaluations: card.evaluations,
    wavs: card.wavs,
    fewShot: card.fewShot,
  };
  await Promise.all([
    writeFile(path.join(dir, "metrics.json"), `${JSON.stringify(metrics, null, 2)}\n`),
    writeFile(path.join(dir, "README.md"), lines.join("\n")),
  ]);
}
