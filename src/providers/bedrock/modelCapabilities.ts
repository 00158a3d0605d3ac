/** What a Bedrock model takes beyond plain Converse, by model id (inference-profile prefixes and ARNs included). */
const id = (model: string): string => model.slice(model.lastIndexOf('/') + 1).toLowerCase();

/** `toolChoice: {tool: {name}}` (forcing one tool): Anthropic Claude, Amazon Nova and Mistral Large; others take only auto/any. */
export const forcesOneTool = (model: string): boolean => /anthropic\.claude|amazon\.nova|mistral\.mistral-large/.test(id(model));

/** Native structured output (`outputConfig.textFormat` with a JSON Schema): the Claude 4.5 generation and Opus 4.1. */
export const takesOutputSchema = (model: string): boolean => /anthropic\.claude-(sonnet-4-5|haiku-4-5|opus-4-5|opus-4-1)/.test(id(model));
