/**
 * The items a batch sends for one deployment: the same cases `runEvaluation` would stream (every test × prompt ×
 * repeat not already finished), each request built by `buildRequest` with the deployment's own params under the
 * request's, keyed by `caseKey`. A case no cloud would take (a bad request, an image this cloud refuses) is not sent:
 * it comes back as an error outcome at once, as a streamed run would report it before sending.
 */
import type { Deployment } from '../config/deployment';
import { caseKey } from '../evaluation/evaluationCase';
import { buildRequest } from '../evaluation/promptTemplates';
import type { EvaluationSuite } from '../evaluation/suite';
import { requestProblem } from '../request/requestProblems';
import { providerError, type ChatRequest } from '../request/stream';
import { imageProblemFor } from '../../providers/registry';
import type { BatchItem, BatchOutcome } from './batchAdapter';

export interface DeploymentItems {
  items: BatchItem[];
  /** Cases refused before sending, as error outcomes. */
  refused: BatchOutcome[];
}

/** The request a case sends to this deployment (its params under the request's, as a streamed run merges them). */
export function caseRequest(suite: EvaluationSuite, deployment: Deployment, test: number, prompt: number): ChatRequest {
  const request = buildRequest(suite, suite.prompts[prompt]!, suite.tests[test]!.vars);
  return { ...request, params: { ...deployment.params, ...request.params } };
}

export function itemsFor(suite: EvaluationSuite, deployment: Deployment, repeat: number, finished: ReadonlySet<string>): DeploymentItems {
  const items: BatchItem[] = [];
  const refused: BatchOutcome[] = [];
  for (let r = 1; r <= repeat; r++) {
    for (let t = 0; t < suite.tests.length; t++) {
      for (let p = 0; p < suite.prompts.length; p++) {
        const customId = caseKey({ test: t, prompt: p, repeat: r, deployment: deployment.id });
        if (finished.has(customId)) continue;
        const request = caseRequest(suite, deployment, t, p);
        const mistake = requestProblem(request) ?? imageProblemFor(request, deployment.provider);
        if (mistake) refused.push({ customId, error: providerError('bad_request', mistake, { retryable: false }) });
        else items.push({ customId, request });
      }
    }
  }
  return { items, refused };
}
