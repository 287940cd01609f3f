import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { openCatalog } from "../src/catalog/index.js";
import { createLogger } from "../src/log.js";
import { WRITER_MODEL, writerRecord } from "./helpers/catalog-writer.js";

const WRITER = path.resolve(import.meta.dirname, "helpers/catalog-writer.ts");
const TOTAL = 2000;
const dir = mkdtempSync(path.join(os.tmpdir(), "genrebot-crash-"));
const storeUrl = `sqlite://${path.join(dir, "catalog.sqlite")}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer; if `killAfter` is given, SIGKILLs it once that many commits were reported. */
function runWriter(
  killAfter?: number,
): Promise<{ committed: string[]; summary?: string; signal: string | null }> {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER, storeUrl, String(TOTAL)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const committed: string[] = [];
  let summary: string | undefined;
  readline.createInterface({ input: child.stdout }).on("line", (line) => {
    if (line.startsWith("committed ")) committed.push(line.slice("committed ".length));
    if (line.startsWith("done ")) summary = line;
    if (killAfter !== undefined && committed.length === killAfter) child.kill("SIGKILL");
  });
  return new Promise((resolve) => {
    child.on("close", (_code, signal) => resolve({ committed, summary, signal }));
  });
}

async function readBack() {
  const warnings: string[] = [];
  const logger = createLogger("warn", { write: (line: string) => void warnings.push(line) });
  const catalog = await openCatalog({ storeUrl, modelVersion: WRITER_MODEL, logger });
  return { catalog, warnings };
}

describe("a bulk index killed mid-write", () => {
  it("leaves only whole records, keeps every reported commit, and resumes", async () => {
    const killAfter = 100 + Math.floor(Math.random() * 1500);
    const killed = await runWriter(killAfter);
    expect(killed.signal).toBe("SIGKILL");
    expect(killed.summary).toBeUndefined();
    expect(killed.committed.length).toBeGreaterThanOrEqual(killAfter);

    const { catalog, warnings } = await readBack();
    expect(warnings).toEqual([]);
    const stored = catalog.size();
    expect(stored).toBeGreaterThanOrEqual(killed.committed.length);
    expect(stored).toBeLessThan(TOTAL);
    for (const id of killed.committed) {
      const record = await catalog.get(id);
      const n = Number(id.replace(/^synthetic/, ""));
      expect(record?.title).toBe(writerRecord(n).title);
      expect(record?.embedding).toEqual(writerRecord(n).embedding);
    }
    await catalog.close();

    const resumed = await runWriter();
    expect(resumed.signal).toBeNull();
    expect(resumed.summary).toBe(`done written=${TOTAL - stored} skipped=${stored}`);

    const final = await readBack();
    expect(final.warnings).toEqual([]);
    expect(final.catalog.size()).toBe(TOTAL);
    await final.catalog.close();
  });
});
