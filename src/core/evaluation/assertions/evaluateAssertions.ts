/** Runs one case's assertions in order; the `not-` form turns the verdict, and the reason (what was found) stays. */
import type { AssertionOutcome, CheckContext, PreparedAssertion } from './assertion';

export async function evaluateAssertions(assertions: readonly PreparedAssertion[], context: CheckContext): Promise<AssertionOutcome[]> {
  const outcomes: AssertionOutcome[] = [];
  for (const assertion of assertions) {
    let verdict;
    try {
      verdict = await assertion.kind.check(assertion.prepared, context);
    } catch (error) {
      verdict = { pass: false, reason: `could not be checked: ${(error as Error).message}` };
      outcomes.push({ type: assertion.type, pass: false, reason: verdict.reason });
      continue;
    }
    outcomes.push({ type: assertion.type, pass: assertion.negate ? !verdict.pass : verdict.pass, reason: verdict.reason });
  }
  return outcomes;
}
