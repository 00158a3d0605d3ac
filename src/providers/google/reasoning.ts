/**
 * Reasoning on Gemini: a thinking budget on 2.5, a thinking level on 3.x, thought summaries asked for so they can be
 * shown. Models that do not think (2.0 and older) take none: said in a warning.
 */
import type { ThinkingConfig, ThinkingLevel } from '@google/genai';
import type { ChatRequest } from '../../core/request/chatRequest';
import { budgetOf, effortOf } from '../reasoningBudget';

type Warning = { feature: string; message: string };
const name = (model: string): string => model.slice(model.lastIndexOf('/') + 1).toLowerCase();

export function geminiReasoning(request: ChatRequest, model: string): { thinkingConfig?: ThinkingConfig; warnings: Warning[] } {
  const reasoning = request.reasoning;
  if (!reasoning) return { warnings: [] };
  if (/^gemini-3/.test(name(model))) {
    const level = effortOf(reasoning) === 'minimal' || effortOf(reasoning) === 'low' ? 'LOW' : 'HIGH';
    const warnings = 'budgetTokens' in reasoning || reasoning.effort === 'minimal' || reasoning.effort === 'medium'
      ? [{ feature: 'reasoning', message: `Gemini 3 takes a thinking level (low or high): sent "${level.toLowerCase()}"` }] : [];
    return { thinkingConfig: { thinkingLevel: level as ThinkingLevel, includeThoughts: true }, warnings };
  }
  if (/^gemini-2\.5/.test(name(model))) {
    return { thinkingConfig: { thinkingBudget: budgetOf(reasoning), includeThoughts: true }, warnings: [] };
  }
  return { warnings: [{ feature: 'reasoning', message: `${model} does not think: sent without a reasoning setting` }] };
}
