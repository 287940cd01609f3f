import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  embeddingSize,
  PRETRAINED_DIR,
  SIMILARITY_TRANSFORM_FILE,
  type SimilarityTransform,
  similarityEmbedding,
} from "../../classifier/index.js";
import { type ClipOutputs, EMOTIFY_GENRES, readDump } from "./dump.js";
import { fitSimilarityTransform, fitStandardiser } from "./fit.js";

/**
 * `npm run embedding:study`: same-genre precision@10 by cosine on Emotify for every embedding
 * variant, and the shipped transform fitted on ids 1–60 written to models/embedding/. Reads the
 * per-clip network outputs of `npm run embedding:dump` (or the dump file named as its argument).
 *
 * Protocol: each clip of a set queries the others of the same set (never itself); p@10 is the
 * share of its 10 nearest by cosine that have its genre, averaged over the set. Sets: ids 61–80
 * (the selection set, 80 clips) and ids 1–80 (320 clips). Everything learned (standardisation,
 * PCA, LDA) is fitted on ids 1–60 only; hyperparameters are chosen by 3-fold cross-validation
 * inside 1–60 (folds of 20 ids: each held-out fold is 80 clips, like the selection set).
 */
const K = 10;
const TRAIN_MAX_ID = 60;
const COMPONENTS = 32;
const SHRINKAGES = [0.3, 0.6, 0.9];
const GENRE_WEIGHTS = [1, 2, 3];

type Clip = ClipOutputs;
type Embed = (train: Clip[]) => (clip: Clip) => ArrayLike<number>;

export function precisionAt10(vectors: ArrayLike<number>[], labels: string[]): number {
  const unit = vectors.map((v) => {
    const out = Float64Array.from(v);
    const norm = Math.sqrt(out.reduce((s, x) => s + x * x, 0)) || 1;
    return out.map((x) => x / norm);
  });
  let hits = 0;
  for (let q = 0; q < unit.length; q++) {
    const query = unit[q] as Float64Array;
    const scored = unit
      .map((v, i) => ({
        i,
        s: i === q ? Number.NEGATIVE_INFINITY : v.reduce((sum, x, j) => sum + x * (query[j] as number), 0),
      }))
      .sort((a, b) => b.s - a.s)
      .slice(0, K);
    hits += scored.filter(({ i }) => labels[i] === labels[q]).length;
  }
  return hits / (K * unit.length);
}

const f64 = (values: number[]) => Float64Array.from(values);

/** Blocks of outputs, each standardised on the training clips and weighted equally (÷ √dims). */
function standardised(...blocks: Array<(c: Clip) => number[]>): Embed {
  return (train) => {
    const fits = blocks.map((block) => fitStandardiser(train.map((c) => f64(block(c)))));
    return (clip) =>
      blocks.flatMap((block, b) => {
        const { mean, scale } = fits[b] as ReturnType<typeof fitStandardiser>;
        const weight = 1 / Math.sqrt(mean.length);
        return block(clip).map((v, i) => (weight * (v - (mean[i] as number))) / (scale[i] as number));
      });
  };
}

const raw =
  (block: (c: Clip) => number[]): Embed =>
  () =>
    block;

/** Fits by training set and shrinkage: the genre weight only scales the output, so it is not refitted. */
const fits = new Map<string, Omit<SimilarityTransform, "about">>();

function shipped(shrinkage: number, genreWeight: number, about = ""): (train: Clip[]) => SimilarityTransform {
  return (train) => {
    const key = `${shrinkage} ${train.map((c) => `${c.genre}/${c.id}`).join(",")}`;
    let fit = fits.get(key);
    if (!fit) {
      fit = fitSimilarityTransform(
        {
          rows: train.map((c) => f64(c.dense)),
          labels: train.map((c) => EMOTIFY_GENRES.indexOf(c.genre as never)),
        },
        { components: COMPONENTS, shrinkage, genreWeight },
      );
      fits.set(key, fit);
    }
    return { ...fit, genreWeight, about };
  };
}

const viaTransform =
  (fitter: (train: Clip[]) => SimilarityTransform, part: "all" | "pca" | "lda" = "all"): Embed =>
  (train) => {
    const transform = fitter(train);
    return (clip) => {
      const e = similarityEmbedding(transform, clip.dense);
      return part === "all" ? e : part === "pca" ? e.subarray(0, COMPONENTS) : e.subarray(COMPONENTS);
    };
  };

function evaluate(embed: Embed, train: Clip[], test: Clip[]): number {
  const map = embed(train);
  return precisionAt10(
    test.map(map),
    test.map((c) => c.genre),
  );
}

function crossValidate(embed: Embed, training: Clip[]): number {
  const folds = [0, 20, 40].map((start) => (c: Clip) => c.id > start && c.id <= start + 20);
  const scores = folds.map((inFold) =>
    evaluate(
      embed,
      training.filter((c) => !inFold(c)),
      training.filter(inFold),
    ),
  );
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

async function main(dumpFile?: string): Promise<void> {
  const clips = await readDump(dumpFile);
  if (clips.length !== EMOTIFY_GENRES.length * 80)
    throw new Error(`run npm run embedding:dump first (${clips.length}/320 clips)`);
  const training = clips.filter((c) => c.id <= TRAIN_MAX_ID);
  const selection = clips.filter((c) => c.id > TRAIN_MAX_ID);

  let best = { cv: -1, shrinkage: 0, genreWeight: 0 };
  for (const shrinkage of SHRINKAGES) {
    for (const genreWeight of GENRE_WEIGHTS) {
      const cv = crossValidate(viaTransform(shipped(shrinkage, genreWeight)), training);
      console.log(`CV 1–60: shrinkage ${shrinkage}, genre weight ${genreWeight}: ${cv.toFixed(3)}`);
      if (cv > best.cv) best = { cv, shrinkage, genreWeight };
    }
  }

  const variants: Array<[string, Embed]> = [
    ["musicnn `dense` (200), raw", raw((c) => c.dense)],
    ["musicnn `dense`, standardised", standardised((c) => c.dense)],
    ["musicnn `bn_dense` (200), raw", raw((c) => c.bnDense)],
    ["musicnn `bn_dense`, standardised", standardised((c) => c.bnDense)],
    ["musicnn tags (50), raw", raw((c) => c.tags)],
    ["YAMNet embedding (1024), raw", raw((c) => c.yamnet)],
    ["YAMNet embedding, standardised", standardised((c) => c.yamnet)],
    ["YAMNet scores (521), standardised", standardised((c) => c.scores)],
    [
      "`dense` + YAMNet, standardised",
      standardised(
        (c) => c.dense,
        (c) => c.yamnet,
      ),
    ],
    [
      "`dense` + `bn_dense` + YAMNet, standardised",
      standardised(
        (c) => c.dense,
        (c) => c.bnDense,
        (c) => c.yamnet,
      ),
    ],
    [
      "`dense` + tags, standardised",
      standardised(
        (c) => c.dense,
        (c) => c.tags,
      ),
    ],
    ...(clips[0]?.denseStd
      ? ([
          [
            "`dense` mean + std over patches, standardised",
            standardised(
              (c) => c.dense,
              (c) => c.denseStd,
            ),
          ],
          [
            "`dense` mean + max over patches, standardised",
            standardised(
              (c) => c.dense,
              (c) => c.denseMax,
            ),
          ],
          [
            "YAMNet mean + std over patches, standardised",
            standardised(
              (c) => c.yamnet,
              (c) => c.yamnetStd,
            ),
          ],
        ] as Array<[string, Embed]>)
      : []),
    ["√`dense`, standardised", standardised((c) => c.dense.map(Math.sqrt))],
    [
      `√\`dense\` → PCA ${COMPONENTS} (fitted on 1–60)`,
      viaTransform(shipped(best.shrinkage, best.genreWeight), "pca"),
    ],
    [
      `→ LDA 3 (shrinkage ${best.shrinkage}, fitted on 1–60)`,
      viaTransform(shipped(best.shrinkage, best.genreWeight), "lda"),
    ],
    ...SHRINKAGES.flatMap((s) =>
      GENRE_WEIGHTS.map(
        (w) =>
          [`PCA ${COMPONENTS} + ${w}·LDA 3 (shrinkage ${s})`, viaTransform(shipped(s, w))] as [string, Embed],
      ),
    ),
  ];
  const rows = [
    "| variant | CV on 1–60 | ids 61–80 (80 clips) | ids 1–80 (320 clips) |",
    "| --- | --- | --- | --- |",
  ];
  let shippedFigures = "";
  for (const [name, embed] of variants) {
    const figures = [
      crossValidate(embed, training),
      evaluate(embed, training, selection),
      evaluate(embed, training, clips),
    ].map((v) => v.toFixed(3));
    const isShipped = name === `PCA ${COMPONENTS} + ${best.genreWeight}·LDA 3 (shrinkage ${best.shrinkage})`;
    if (isShipped)
      shippedFigures = `CV on 1–60 ${figures[0]}, ids 61–80 ${figures[1]}, ids 1–80 ${figures[2]}`;
    rows.push(`| ${name}${isShipped ? " **(shipped)**" : ""} | ${figures.join(" | ")} |`);
    console.log(rows.at(-1));
  }

  const transform = shipped(
    best.shrinkage,
    best.genreWeight,
    `Similarity embedding v2: musicnn MSD \`dense\` (clip mean) → √ → standardise → PCA ${COMPONENTS} → [unit PCA part, ${best.genreWeight} × unit shrinkage-LDA (${best.shrinkage}) part], ${COMPONENTS + EMOTIFY_GENRES.length - 1} float32 dims compared by cosine. Fitted on Emotify ids 1–60 (240 clips) by npm run embedding:study; shrinkage and weight chosen by 3-fold CV inside 1–60. Same-genre precision@10: ${shippedFigures}.`,
  )(training);
  const file = path.join(PRETRAINED_DIR, SIMILARITY_TRANSFORM_FILE);
  await mkdir(path.dirname(file), { recursive: true });
  const round = (values: number[]) => values.map((v) => Number(v.toPrecision(7)));
  await writeFile(
    file,
    `${JSON.stringify({ ...transform, mean: round(transform.mean), scale: round(transform.scale), pca: round(transform.pca), lda: round(transform.lda) })}\n`,
  );
  console.log(
    `\n${rows.join("\n")}\n\nwrote ${path.relative(process.cwd(), file)} (${embeddingSize(transform)} dims)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv[2]);
