/** The similarity embedding stored for every indexed track, from what the pretrained networks hear. */
export { embeddingSize, type SimilarityTransform, similarityEmbedding } from "./embedding.js";
export { loadSimilarityTransform, SIMILARITY_TRANSFORM_FILE } from "./file.js";
