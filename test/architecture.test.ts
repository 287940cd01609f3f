import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The import graph of src/ keeps one direction of flow (docs/architecture.md). Each folder is a
 * stage with a rank; a file may import only stages ranked below its own, and only through that
 * stage's index.ts, which only re-exports. src/lib and the root files (errors, log, config) are the foundation every
 * stage may use file by file.
 */
const RANK: Record<string, number> = {
  foundation: 0,
  http: 1,
  spotify: 2,
  previews: 3,
  audio: 4,
  classifier: 5,
  catalog: 6,
  service: 7,
  discord: 8,
  commands: 9,
  training: 10,
  cli: 11,
  entry: 11,
};
/** Entry points beside the stages: they wire everything together. */
const ENTRIES = new Set(["main.ts", "deploy-commands.ts"]);

const SRC = path.resolve(import.meta.dirname, "../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** The stage a file in src/ belongs to. */
function stageOf(file: string): string {
  const [first, second] = path.relative(SRC, file).split(path.sep);
  if (second === undefined) return first && ENTRIES.has(first) ? "entry" : "foundation";
  if (first === "lib") return "foundation";
  if (first === undefined || RANK[first] === undefined) throw new Error(`${file}: a folder without a rank`);
  return first;
}

interface Edge {
  from: string;
  to: string;
}

/** Every relative import of src/, static or dynamic, resolved to the file it names. */
function importEdges(): Edge[] {
  return sourceFiles(SRC).flatMap((from) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(from, "utf8"), true, true);
    return importedFiles
      .filter(({ fileName }) => fileName.startsWith("."))
      .map(({ fileName }) => ({
        from,
        to: path.resolve(path.dirname(from), fileName).replace(/\.js$/, ".ts"),
      }));
  });
}

/** Edges into a stage ranked at or above the importer's own. */
function upward(list: Edge[]): Edge[] {
  return list.filter(({ from, to }) => {
    const [a, b] = [stageOf(from), stageOf(to)];
    return a !== b && (RANK[b] ?? 0) >= (RANK[a] ?? 0);
  });
}

/** Edges into another stage's files other than its index.ts. */
function deep(list: Edge[]): Edge[] {
  return list.filter(({ from, to }) => {
    const target = stageOf(to);
    if (target === "foundation" || target === stageOf(from)) return false;
    return path.relative(path.join(SRC, target), to) !== "index.ts";
  });
}

const show = ({ from, to }: Edge) => `${path.relative(SRC, from)} -> ${path.relative(SRC, to)}`;
const edges = importEdges();
const inside = edges.filter(({ to }) => !path.relative(SRC, to).startsWith(".."));

describe("the import graph of src/", () => {
  it("is read: every stage imports something", () => {
    expect(edges.length).toBeGreaterThan(100);
  });

  it("stays inside src/", () => {
    expect(edges.filter(({ to }) => path.relative(SRC, to).startsWith("..")).map(show)).toEqual([]);
  });

  it("points one way: no stage imports one ranked at or above its own", () => {
    expect(upward(inside).map(show)).toEqual([]);
  });

  it("enters another stage only through its index.ts", () => {
    expect(deep(inside).map(show)).toEqual([]);
  });

  it("would catch an upward arrow and a deep import", () => {
    const at = (file: string) => path.join(SRC, file);
    expect(upward([{ from: at("classifier/analyze.ts"), to: at("discord/index.ts") }])).toHaveLength(1);
    expect(upward([{ from: at("catalog/catalog.ts"), to: at("catalog/store.ts") }])).toHaveLength(0);
    expect(deep([{ from: at("service/caches.ts"), to: at("catalog/store.ts") }])).toHaveLength(1);
    expect(deep([{ from: at("service/caches.ts"), to: at("lib/deadline.ts") }])).toHaveLength(0);
  });

  it("keeps every index.ts to re-exports", () => {
    const implementing = sourceFiles(SRC)
      .filter((file) => path.basename(file) === "index.ts")
      .filter((file) => {
        const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
        return source.statements.some((s) => !(ts.isExportDeclaration(s) && s.moduleSpecifier !== undefined));
      });
    expect(implementing.map((file) => path.relative(SRC, file))).toEqual([]);
  });

  it("never brings training into the bot", () => {
    const reached = new Set([path.join(SRC, "main.ts")]);
    for (const file of reached) {
      for (const { from, to } of edges) if (from === file) reached.add(to);
    }
    expect(
      [...reached].filter((file) => stageOf(file) === "training").map((f) => path.relative(SRC, f)),
    ).toEqual([]);
  });
});
