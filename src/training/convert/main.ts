import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { PROJECT_ROOT } from "../../config.js";
import { convertMusicnn } from "./musicnn.js";
import { convertYamnet } from "./yamnet.js";

/** The unmodified pretrained weights, beside the checkout (see its README). */
export const MODELS_SOURCE_DIR = path.resolve(PROJECT_ROOT, "..", "shared", "models-src");
export const MODELS_DIR = path.join(PROJECT_ROOT, "models");

/** What `npm run models:convert` writes, relative to the models folder. */
export const CONVERTED_FILES = {
  musicnn: "musicnn/msd_musicnn.onnx",
  yamnet: "yamnet/yamnet.onnx",
} as const;

/** Source file → where its copy ships (licences, attribution, label lists). */
const COPIED: Array<[string, string]> = [
  ["musicnn/LICENSE.md", "musicnn/LICENSE.md"],
  ["yamnet/LICENSE", "yamnet/LICENSE"],
  ["yamnet/NOTICE", "yamnet/NOTICE"],
  ["yamnet/yamnet_class_map.csv", "yamnet/yamnet_class_map.csv"],
];

/** Refuses sources that differ from the ones the shipped models were built from (the folder's SHA256SUMS). */
async function verifiedSource(sourceDir: string, file: string): Promise<Buffer> {
  const sums = await readFile(path.join(sourceDir, "SHA256SUMS"), "utf8");
  const expected = sums
    .split("\n")
    .map((line) => line.split(/\s+/))
    .find(([, name]) => name === `./${file}`)?.[0];
  const bytes = await readFile(path.join(sourceDir, file));
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== expected)
    throw new Error(`${file}: sha256 ${actual} is not the one in SHA256SUMS (${expected})`);
  return bytes;
}

/**
 * Converts the pretrained networks in `sourceDir` to the ONNX files under `outDir`, with their
 * licences and label lists beside them. Deterministic: the same sources give the same bytes.
 */
export async function convertModels(sourceDir = MODELS_SOURCE_DIR, outDir = MODELS_DIR): Promise<string[]> {
  const written: string[] = [];
  const write = async (file: string, bytes: Uint8Array | string) => {
    const target = path.join(outDir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, bytes);
    written.push(file);
  };

  await verifiedSource(sourceDir, "musicnn/MSD_musicnn.h5");
  await write(
    CONVERTED_FILES.musicnn,
    await convertMusicnn(path.join(sourceDir, "musicnn/MSD_musicnn.h5"), "msd_musicnn"),
  );
  const tags = JSON.parse((await verifiedSource(sourceDir, "musicnn/tags.json")).toString("utf8")) as Record<
    string,
    string[]
  >;
  await write("musicnn/tags.json", `${JSON.stringify(tags.MSD_musicnn, null, 2)}\n`);

  await write(CONVERTED_FILES.yamnet, convertYamnet(await verifiedSource(sourceDir, "yamnet/yamnet.tflite")));

  // Written rather than copied: the sources are read-only and a copy would keep that mode.
  for (const [from, to] of COPIED) await write(to, await verifiedSource(sourceDir, from));
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const written = await convertModels();
  for (const file of written) console.log(`wrote models/${file}`);
}
