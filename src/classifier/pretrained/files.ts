import path from "node:path";
import { PROJECT_ROOT } from "../../config.js";

/** The converted pretrained networks (`npm run models:convert`), one folder per network. */
export const PRETRAINED_DIR = path.join(PROJECT_ROOT, "models");
