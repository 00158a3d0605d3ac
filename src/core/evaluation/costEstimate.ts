/**
 * What an evaluation may cost, said before anything is sent: for each deployment, its cases × (the prompt's tokens,
 * estimated at four characters a token, + the answer budget: the deployment's maxTokens, else 1,024) at its price.
 * An upper bound for answers that stop early; null for a deployment with no known price. Prices must be loaded first
 * (`await loadPrices()`).
 */
import type { Deployment } from '../config/deployment';
import { costOf } from '../results/pricing';
import type { ChatRequest } from '../request/chatRequest';
import { buildRequest } from './promptTemplates';
import type { EvaluationSuite } from './suite';

export const DEFAULT_ANSWER_BUDGET = 1024;

export interface DeploymentEstimate {
  deployment: string;
  cases: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
}

export interface CostEstimate {
  cases: number;
  deployments: DeploymentEstimate[];
  /** The sum over deployments with a price. */
  knownUsd: number;
  /** Deployments whose cost cannot be estimated (no price). */
  unpriced: string[];
}

/** About four characters a token, as the clouds' tokenizers give for English and code. */
export function requestTokens(request: ChatRequest): number {
  let characters = request.system?.length ?? 0;
  for (const message of request.messages) {
    characters += typeof message.content === 'string' ? message.content.length
      : message.content.reduce((sum, part) => sum + (part.type === 'text' ? part.text.length : part.type === 'image' ? 3000 : JSON.stringify(part).length), 0);
  }
  if (request.tools) characters += JSON.stringify(request.tools).length;
  if (typeof request.responseFormat === 'object') characters += JSON.stringify(request.responseFormat.schema).length;
  return Math.max(1, Math.ceil(characters / 4));
}

export const answerBudget = (deployment: Deployment): number => deployment.params?.maxTokens ?? DEFAULT_ANSWER_BUDGET;

/** `isFinished(test, prompt, repeat, deployment)`: cases a resume will not send are not counted. */
export function estimateCost(suite: EvaluationSuite, deployments: readonly Deployment[], repeat: number,
  isFinished: (test: number, prompt: number, repeat: number, deployment: string) => boolean = () => false): CostEstimate {
  // each (test, prompt) request is the same on every deployment and repeat: measure it once
  const promptTokens: number[][] = suite.tests.map((test) => suite.prompts.map((prompt) => requestTokens(buildRequest(suite, prompt, test.vars))));
  const estimates = deployments.map((deployment): DeploymentEstimate => {
    const budget = answerBudget(deployment);
    let cases = 0;
    let inputTokens = 0;
    let costUsd: number | null = 0;
    // priced case by case: a tiered price depends on one request's size, not the sum
    const caseCost = new Map<number, number | null>();
    for (let r = 1; r <= repeat; r++) {
      promptTokens.forEach((perPrompt, t) => perPrompt.forEach((tokens, p) => {
        if (isFinished(t, p, r, deployment.id)) return;
        cases++;
        inputTokens += tokens;
        let cost = caseCost.get(tokens);
        if (cost === undefined) {
          cost = costOf(deployment, { inputTokens: tokens, outputTokens: budget }).costUsd;
          caseCost.set(tokens, cost);
        }
        costUsd = cost === null || costUsd === null ? null : costUsd + cost;
      }));
    }
    return { deployment: deployment.id, cases, inputTokens, outputTokens: cases * budget, costUsd };
  });
  return {
    cases: estimates.reduce((sum, estimate) => sum + estimate.cases, 0),
    deployments: estimates,
    knownUsd: estimates.reduce((sum, estimate) => sum + (estimate.costUsd ?? 0), 0),
    unpriced: estimates.filter((estimate) => estimate.costUsd === null).map((estimate) => estimate.deployment),
  };
}
