/**
 * Reasoning on OpenAI's chat wire: `reasoning_effort` (a budget becomes the nearest effort, said in a warning), and the
 * sampling parameters reasoning models refuse (o-series, gpt-5, codex) left out with a warning instead of a 400.
 */
import type { ChatRequest, ReasoningEffort } from '../../core/request/chatRequest';
import { effortOfBudget } from '../reasoningBudget';

type Warning = { feature: string; message: string };

/** OpenAI's reasoning models, by base model name ("o3-mini", "gpt-5.1", "azure/o4-mini"…). */
export const isReasoningModel = (model: string): boolean => /^(o\d|gpt-5|codex)/i.test(model.slice(model.lastIndexOf('/') + 1));

/**
 * `knownModels`: OpenAI's own API and Azure, whose model families are known — a model that does not reason (gpt-4o…)
 * answers `reasoning_effort` with a 400, so it is not sent and a warning says why. Other servers get it as asked.
 */
export function openaiReasoning(request: ChatRequest, baseModel: string, service: string, knownModels = false): { fields: { reasoning_effort?: ReasoningEffort }; sampling: boolean; warnings: Warning[] } {
  const warnings: Warning[] = [];
  let effort: ReasoningEffort | undefined;
  if (request.reasoning && knownModels && !isReasoningModel(baseModel)) {
    warnings.push({ feature: 'reasoning', message: `${baseModel} does not reason: sent without a reasoning setting` });
  } else if (request.reasoning) {
    if ('effort' in request.reasoning) effort = request.reasoning.effort;
    else {
      effort = effortOfBudget(request.reasoning.budgetTokens);
      warnings.push({ feature: 'reasoning', message: `${service} takes a reasoning effort, not a budget: ${request.reasoning.budgetTokens} tokens was sent as reasoning_effort "${effort}"` });
    }
  }
  const reasoningModel = isReasoningModel(baseModel);
  const sampling = request.params.temperature !== undefined || request.params.topP !== undefined;
  if (reasoningModel && sampling) warnings.push({ feature: 'temperature', message: `${baseModel} is a reasoning model and takes no temperature or top-p: they were not sent` });
  return { fields: effort ? { reasoning_effort: effort } : {}, sampling: !reasoningModel, warnings };
}
