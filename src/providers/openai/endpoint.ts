/** Where OpenAI's API is, for the descriptor and the adapter alike (pure, no schema library: the adapter chunk stays small). */
export const OPENAI_API = 'https://api.openai.com/v1';
