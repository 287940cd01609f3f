export interface GenreScore {
  genre: string;
  probability: number;
}

/** The genre distribution of one window of the clip. */
export interface TimelineWindow {
  startSeconds: number;
  endSeconds: number;
  genres: GenreScore[];
}

export interface Analysis {
  /** Every label of the model, highest probability first; probabilities sum to 1. */
  genres: GenreScore[];
  /** What each expert alone says (genre v2 models): A from the 57 features, B from the pretrained networks. */
  experts?: { features: GenreScore[]; heard: GenreScore[] };
  /** musicnn's 3 s patches (genre v2 models), else 10 s windows with a 5 s hop over the clip. */
  timeline: TimelineWindow[];
  /** The model's penultimate layer, L2-normalised: compare tracks by cosine similarity. */
  embedding: Float32Array;
  modelVersion: string;
  durationSeconds: number;
  /** The whole clip's 57 features, as the model saw them before scaling. */
  features: Record<string, number>;
}

/** Analyses on worker threads so the caller's event loop never blocks on decoding or inference. */
export interface AnalyzerPool {
  analyze(bytes: Uint8Array): Promise<Analysis>;
  modelVersion(): Promise<string>;
  close(): Promise<void>;
}
