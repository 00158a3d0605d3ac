/**
 * Reasoning on Bedrock, by model family, through `additionalModelRequestFields`: Claude's thinking budget (max tokens
 * must exceed it, and temperature/top-p are refused with thinking on), gpt-oss's reasoning effort. Other models take
 * none: said in a warning.
 */
import type { ChatRequest } from '../../core/request/chatRequest';
import { budgetOf, effortOf } from '../reasoningBudget';

type Warning = { feature: string; message: string };
const id = (model: string): string => model.slice(model.lastIndexOf('/') + 1).toLowerCase();

/** Claude models with extended thinking: 3.7 Sonnet and the Claude 4 generation. */
export const thinksWithBudget = (model: string): boolean => /anthropic\.claude-(3-7|sonnet-4|opus-4|haiku-4)/.test(id(model));
export const thinksWithEffort = (model: string): boolean => /openai\.gpt-oss/.test(id(model));

export interface BedrockReasoning {
  additionalModelRequestFields?: Record<string, unknown>;
  /** inferenceConfig changes: max tokens raised above the budget, sampling left out. */
  maxTokens?: number;
  dropSampling: boolean;
  warnings: Warning[];
}

export function bedrockReasoning(request: ChatRequest, modelId: string): BedrockReasoning {
  const reasoning = request.reasoning;
  if (!reasoning) return { dropSampling: false, warnings: [] };
  const warnings: Warning[] = [];
  if (thinksWithBudget(modelId)) {
    const budget = Math.max(1024, budgetOf(reasoning));
    if (budget !== budgetOf(reasoning)) warnings.push({ feature: 'reasoning', message: `Claude thinks with at least 1024 tokens: the budget was raised to 1024` });
    const asked = request.params.maxTokens;
    // Claude counts thinking inside max tokens, which must exceed the budget
    const maxTokens = asked === undefined ? budget + 4096 : asked > budget ? asked : budget + asked;
    if (asked === undefined || asked <= budget) warnings.push({ feature: 'maxTokens', message: `Claude counts thinking inside max tokens, which must exceed the ${budget}-token budget: max tokens sent as ${maxTokens}` });
    const sampling = request.params.temperature !== undefined || request.params.topP !== undefined;
    if (sampling) warnings.push({ feature: 'temperature', message: 'Claude takes no temperature or top-p with thinking on: they were not sent' });
    return { additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: budget } }, maxTokens, dropSampling: true, warnings };
  }
  if (thinksWithEffort(modelId)) {
    const effort = effortOf(reasoning) === 'minimal' ? 'low' : effortOf(reasoning);
    if (!('effort' in reasoning) || reasoning.effort === 'minimal') warnings.push({ feature: 'reasoning', message: `gpt-oss takes a reasoning effort of low, medium or high: sent "${effort}"` });
    return { additionalModelRequestFields: { reasoning_effort: effort }, dropSampling: false, warnings };
  }
  return { dropSampling: false, warnings: [{ feature: 'reasoning', message: `${modelId} takes no reasoning setting on Bedrock: sent without one` }] };
}
