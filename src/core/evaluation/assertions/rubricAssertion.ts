/**
 * `llm-rubric`: another deployment grades the answer against the rubric (promptfoo's JSON verdict: pass, score 0–1,
 * reason). With `threshold`, the score must reach it. The grading call's cost is counted apart from the answer's.
 */
import { textValue, inputError, type AssertionKind } from './assertion';

interface Prepared {
  rubric: string;
  grader: string;
  threshold: number | null;
}

export const llmRubric: AssertionKind<Prepared> = {
  prepare: (raw, { where, defaultGrader }) => {
    const rubric = textValue(raw, where);
    const grader = raw.grader ?? defaultGrader;
    if (!grader) throw inputError(where, 'grader', 'llm-rubric needs a deployment to grade with — add grader: DEPLOYMENT_ID at the top of the file (or on the assertion)');
    return { rubric, grader, threshold: typeof raw.threshold === 'number' ? raw.threshold : null };
  },
  check: async ({ rubric, grader, threshold }, { result, grade, graderCosts }) => {
    const answer = result.text === '' && result.toolCalls.length ? JSON.stringify(result.toolCalls.map(({ name, arguments: args }) => ({ name, arguments: args }))) : result.text;
    let verdict;
    try {
      verdict = await grade(grader, rubric, answer);
    } catch (error) {
      return { pass: false, reason: `the grader ${grader} gave no verdict: ${(error as Error).message}` };
    }
    graderCosts.push(verdict.costUsd);
    const pass = threshold !== null && verdict.score !== null ? verdict.score >= threshold : verdict.pass;
    const score = verdict.score === null ? '' : ` (score ${verdict.score}${threshold === null ? '' : `, threshold ${threshold}`})`;
    return { pass, reason: `${grader}: ${verdict.reason}${score}` };
  },
};
