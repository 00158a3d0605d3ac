/**
 * What a tests file becomes once it is read and checked: the prompts, the tests with their vars and prepared
 * assertions, the grader and the load limits. Nothing here has been sent anywhere.
 */
import type { ChatMessage, ResponseFormat, ToolChoice, ToolDefinition } from '../request/chatRequest';
import type { PreparedAssertion } from './assertions/assertion';

/** A mistake in a tests file or dataset: one line naming where (`tests[3].assert[0].value`) and the fix. */
export class EvaluationInputError extends Error {}

export interface PromptTemplate {
  /** "prompt 1", or the label the file gave it. */
  label: string;
  system?: string;
  /** The conversation with `{{var}}` still in its text. */
  messages: ChatMessage[];
}

export interface EvaluationTest {
  /** Where it came from, in the file's terms: `tests[3]` (a dataset row is `tests[3]` too: its place among the tests). */
  where: string;
  /** Its description, or `where`. */
  label: string;
  vars: Record<string, string>;
  /** Per prompt: the assertions with this test's vars filled in. */
  assert: PreparedAssertion[];
}

export interface DeploymentLimits {
  /** Requests in flight at once (default 4). */
  concurrency: number;
  requestsPerMinute?: number;
  /** Input + output tokens per minute (input estimated from the prompt until the answer says). */
  tokensPerMinute?: number;
}

export interface EvaluationSuite {
  prompts: PromptTemplate[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  tests: EvaluationTest[];
  /** The deployment that grades llm-rubric assertions when one does not name its own. */
  grader: string | null;
  /** Every grader an assertion names (checked against the config before anything is sent). */
  graders: string[];
  /** By deployment id, `*` for all: what the file asks beyond `--concurrency`. */
  limits: Record<string, Partial<DeploymentLimits>>;
  /** promptfoo's `evaluateOptions.maxConcurrency`, when the file sets it. */
  concurrency?: number;
  /** Fields Fanout read and does not use (promptfoo's `providers`…), said once. */
  notes: string[];
}
