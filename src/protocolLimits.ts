/** The protocol's size limits, in a file of plain numbers so the webview can say them without bundling the validator. */
export const MAX_PROMPT_CHARS = 2_000_000;
/** A tool result may be long (a fetched page, a file): up to this many characters, refused beyond it with a message. */
export const MAX_TOOL_RESULT_CHARS = 2_000_000;
/** How much JSON one tool's parameters (or the answer's schema) may hold. */
export const MAX_SCHEMA_CHARS = 200_000;
export const MAX_TOOLS = 128;
/** The largest file the playground takes as an image (each cloud's own, smaller limit is checked per column before sending). */
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;
/** The most images one prompt may attach. */
export const MAX_IMAGES = 20;
