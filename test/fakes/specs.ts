import path from "node:path";

/** The official API descriptions beside the checkout (`../shared/specs`, see its README). */
export const SPECS_DIR = path.resolve(import.meta.dirname, "../../../shared/specs");
