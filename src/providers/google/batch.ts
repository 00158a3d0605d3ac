/**
 * Gemini's batch services through @google/genai: the Gemini API's batch mode (an uploaded JSONL file) and Vertex AI
 * batch inference (JSONL in the user's Cloud Storage bucket). A lazily loaded chunk: nothing here runs until a batch
 * is sent; each descriptor's `batch.adapter()` picks its own.
 */
export { geminiBatch as geminiBatchAdapter } from './geminiBatch';
export { vertexBatch as vertexBatchAdapter } from './vertexBatch';
