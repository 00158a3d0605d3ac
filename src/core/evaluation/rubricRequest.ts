/** The request an llm-rubric grader gets, and how its answer is read: promptfoo's verdict, `{reason, pass, score}`. */
import type { ChatRequest } from '../request/chatRequest';
import type { DeploymentResult } from '../engine/deploymentResult';
import { parseWholeJson } from './assertions/jsonAssertions';
import type { Grade } from './assertions/assertion';

const GRADER_SYSTEM = 'You grade an answer against a rubric. Read the rubric and the answer, then reply with one JSON object: '
  + '{"reason": "<one or two sentences>", "pass": true or false, "score": <a number from 0.0 to 1.0>}. Nothing else.';

export function rubricRequest(rubric: string, answer: string): ChatRequest {
  return {
    system: GRADER_SYSTEM,
    messages: [{ role: 'user', content: `<rubric>\n${rubric}\n</rubric>\n\n<answer>\n${answer}\n</answer>` }],
    params: { temperature: 0 },
    responseFormat: {
      name: 'grade',
      schema: { type: 'object', properties: { reason: { type: 'string' }, pass: { type: 'boolean' }, score: { type: 'number' } }, required: ['reason', 'pass', 'score'], additionalProperties: false },
    },
  };
}

/** The grader's verdict, or a thrown reason when it gave none a person could use. */
export function readGrade(grader: string, result: DeploymentResult): Grade {
  if (result.status !== 'ok') throw new Error(`${result.error?.kind ?? result.status}: ${result.error?.message ?? 'no answer'}`);
  const parsed = result.json !== null && result.json !== undefined ? { ok: true as const, value: result.json } : parseWholeJson(result.text);
  const verdict = parsed.ok ? parsed.value as { pass?: unknown; score?: unknown; reason?: unknown } : null;
  if (!verdict || typeof verdict !== 'object' || typeof verdict.pass !== 'boolean') {
    throw new Error(`${grader} did not answer {"reason", "pass", "score"} (it said ${JSON.stringify(result.text.slice(0, 120))})`);
  }
  return {
    pass: verdict.pass,
    score: typeof verdict.score === 'number' && Number.isFinite(verdict.score) ? verdict.score : null,
    reason: typeof verdict.reason === 'string' && verdict.reason ? verdict.reason : verdict.pass ? 'passes the rubric' : 'fails the rubric',
    costUsd: result.metrics.costUsd,
  };
}
