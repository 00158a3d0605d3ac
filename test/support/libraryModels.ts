/**
 * Every model @pydantic/genai-prices lists under a provider, each with a model id that the library itself resolves to
 * that model (taken from the model's own match rules), for tests that walk the library's data model by model.
 */
import type { MatchLogic, ModelInfo, Provider } from '@pydantic/genai-prices';

type PriceFunctions = {
  calcPrice: (usage: Record<string, number>, modelId: string, options: { providerId: string; timestamp?: Date }) => { model: ModelInfo; provider: Provider } | null;
  findProvider: (options: { providerId: string }) => Provider | undefined;
};

export interface ListedModel {
  provider: string;
  model: ModelInfo;
  /** An id the library prices as this model under `provider`, or null when an earlier model's rule shadows every one. */
  id: string | null;
}

/** The strings a match rule names (equals, starts_with, contains, ends_with), in order. */
function namedIn(match: MatchLogic): string[] {
  if ('or' in match) return match.or.flatMap(namedIn);
  if ('and' in match) return match.and.flatMap(namedIn);
  if ('regex' in match) return [];
  return [Object.values(match)[0] as string];
}

export function listedModels(library: PriceFunctions, providerId: string): ListedModel[] {
  const provider = library.findProvider({ providerId });
  if (!provider) throw new Error(`genai-prices has no provider "${providerId}"`);
  return provider.models.map((model) => {
    const candidates = [...namedIn(model.match), model.id];
    const id = candidates.find((candidate) => {
      const found = library.calcPrice({ input_tokens: 0, output_tokens: 0 }, candidate, { providerId });
      return found?.provider.id === providerId && found.model.id === model.id;
    }) ?? null;
    return { provider: providerId, model, id };
  });
}
