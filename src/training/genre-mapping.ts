import type { GenreMapping } from "../classifier/index.js";

/**
 * Which MSD tags (musicnn) and AudioSet classes (YAMNet) name each of the model's genres. Fixed
 * by reading the two vocabularies, never fitted: GTZAN has no audio here to fit it on. Only tags
 * that name the genre itself (or a sub-genre of it) are listed; era, mood and instrument tags are
 * not. MSD has no classical, disco or reggae tag; AudioSet has a class for every genre.
 */
export const GENRE_MAPPING: GenreMapping = {
  blues: { msd: ["blues"], audioset: ["Blues"] },
  classical: { msd: [], audioset: ["Classical music", "Opera"] },
  country: { msd: ["country"], audioset: ["Country", "Bluegrass"] },
  disco: { msd: [], audioset: ["Disco"] },
  electronic: {
    msd: ["electronic", "electronica", "electro", "House"],
    audioset: [
      "Electronic music",
      "House music",
      "Techno",
      "Dubstep",
      "Drum and bass",
      "Electronica",
      "Electronic dance music",
      "Trance music",
    ],
  },
  hiphop: { msd: ["Hip-Hop"], audioset: ["Hip hop music"] },
  jazz: { msd: ["jazz"], audioset: ["Jazz", "Swing music"] },
  metal: { msd: ["metal", "heavy metal"], audioset: ["Heavy metal"] },
  pop: { msd: ["pop", "indie pop"], audioset: ["Pop music"] },
  reggae: { msd: [], audioset: ["Reggae", "Ska"] },
  rock: {
    msd: ["rock", "classic rock", "hard rock", "alternative rock", "indie rock", "Progressive rock", "punk"],
    audioset: ["Rock music", "Punk rock", "Grunge", "Progressive rock", "Rock and roll", "Psychedelic rock"],
  },
};
