/** llm-rubric grading for batch cases: graders are normal deployments, called streamed once the answers are fetched. */
import type { Deployment } from '../config/deployment';
import { runFanout, type FanoutOptions } from '../engine/fanout';
import type { Grader } from '../evaluation/assertions/assertion';
import { readGrade, rubricRequest } from '../evaluation/rubricRequest';

export function streamedGrader(graders: ReadonlyMap<string, Deployment>, engine: FanoutOptions): Grader {
  return async (graderId, rubric, answer) => {
    const deployment = graders.get(graderId);
    if (!deployment) throw new Error(`no deployment "${graderId}" to grade with`);
    const [result] = await runFanout(rubricRequest(rubric, answer), [deployment], engine);
    return readGrade(graderId, result!);
  };
}
