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

/** One of musicnn's 50 Million Song Dataset tags with its probability. */
export interface TagScore {
  tag: string;
  probability: number;
}

/**
 * YAMNet's judgement of the clip: the share of its 0.96 s patches that hear music, the clip-mean
 * scores of AudioSet's "Music", "Speech" and "Silence" classes, and whether that makes it music.
 */
export interface MusicJudgement {
  isMusic: boolean;
  musicShare: number;
  music: number;
  speech: number;
  silence: number;
}

/** What the pretrained networks hear in one 3 s patch (the timeline can draw these). */
export interface PatchPicture {
  startSeconds: number;
  endSeconds: number;
  /** musicnn's five likeliest tags in this patch. */
  tags: TagScore[];
  /** YAMNet's mean "Music" score over its 0.96 s patches centred in this one. */
  music: number;
}

export interface Analysis {
  /** Every label of the model, highest probability first; probabilities sum to 1. */
  genres: GenreScore[];
  /** What each expert alone says (genre v2 models): A from the 57 features, B from the pretrained networks. */
  experts?: { features: GenreScore[]; heard: GenreScore[] };
  /** musicnn's 3 s patches (genre v2 models), else 10 s windows with a 5 s hop over the clip. */
  timeline: TimelineWindow[];
  /** musicnn's 50 MSD tags for the whole clip (mean over its 3 s patches), highest first. */
  tags: TagScore[];
  /** YAMNet's judgement; analyzeAudio refuses a clip that is not music, so this one is. */
  music: MusicJudgement;
  /** What the networks hear in each 3 s patch, in order. */
  patches: PatchPicture[];
  /**
   * The similarity embedding v2 (35 dims, from musicnn's `dense` layer: classifier/similarity),
   * L2-normalised: compare tracks by cosine similarity.
   */
  embedding: Float32Array;
  /** analysisVersion(): the genre model, musicnn and the similarity transform together. */
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
