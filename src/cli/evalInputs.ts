/** What `fanout eval` and `fanout batch` read before anything is sent: the config's deployments and the tests file, each mistake one usage line. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { formatIssue, parseConfigText, type Deployment } from '../core/config/deployment';
import { EvaluationInputError, type EvaluationSuite } from '../core/evaluation/suite';
import { readTestsFile } from '../core/evaluation/testsFile';
import { UsageError } from './args';

export async function loadDeployments(file: string): Promise<Deployment[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--config: cannot read ${file} (${code === 'ENOENT' ? 'no such file' : code ?? 'unreadable'}) — check the path`);
  }
  const parsed = parseConfigText(text, file);
  if (!parsed.ok) throw new UsageError(`${formatIssue(parsed.issues[0]!)}${parsed.issues.length > 1 ? ` (and ${parsed.issues.length - 1} more; run fanout validate --config ${file})` : ''}`);
  if (parsed.deployments.length === 0) throw new UsageError(`${file}: "deployments" is empty — add at least one deployment`);
  return parsed.deployments;
}

export function selectDeployments(ids: readonly string[] | undefined, all: Deployment[], config: string): Deployment[] {
  if (!ids) return all;
  const unknown = ids.filter((id) => !all.some((deployment) => deployment.id === id));
  if (unknown.length) throw new UsageError(`--deployments: no deployment ${unknown.map((id) => `"${id}"`).join(', ')} in ${config} — known: ${all.map((d) => d.id).join(', ')}`);
  return all.filter((deployment) => ids.includes(deployment.id));
}

export async function loadSuite(tests: string): Promise<EvaluationSuite> {
  try {
    return await readTestsFile(tests, { allowJavascript: true });
  } catch (error) {
    if (error instanceof EvaluationInputError) throw new UsageError(`${basename(tests)}: ${error.message}`);
    throw error;
  }
}

/** The deployments the suite's llm-rubric assertions name, from the whole config. */
export function gradersOf(suite: EvaluationSuite, all: Deployment[], tests: string, config: string): Map<string, Deployment> {
  const graders = new Map<string, Deployment>();
  for (const id of suite.graders) {
    const grader = all.find((deployment) => deployment.id === id);
    if (!grader) throw new UsageError(`${basename(tests)}: grader: no deployment "${id}" in ${config} — known: ${all.map((d) => d.id).join(', ')}`);
    graders.set(id, grader);
  }
  return graders;
}
