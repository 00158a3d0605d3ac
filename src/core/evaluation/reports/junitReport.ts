/**
 * `--format junit`: JUnit XML as CI systems read it. One testsuite per deployment, one testcase per case; a failed
 * assertion is a <failure> with every failing reason, a deployment that gave no answer an <error>.
 */
import type { EvaluationCase } from '../evaluationCase';
import { whyFailed, type EvaluationReport } from './evaluationReport';

/** XML text: the five entities escaped and characters XML 1.0 forbids dropped. */
export function xmlText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const seconds = (ms: number | null): string => ((ms ?? 0) / 1000).toFixed(3);

function testcase(evaluationCase: EvaluationCase, repeats: boolean): string {
  const name = repeats ? `${evaluationCase.test} (repeat ${evaluationCase.repeat})` : evaluationCase.test;
  const open = `    <testcase name="${xmlText(name)}" classname="${xmlText(`fanout.${evaluationCase.deployment}`)}" time="${seconds(evaluationCase.metrics.totalMs)}"`;
  if (evaluationCase.pass) return `${open}/>`;
  const reasons = whyFailed(evaluationCase);
  const element = evaluationCase.status === 'ok' ? 'failure' : 'error';
  const type = evaluationCase.status === 'ok' ? 'assertion' : evaluationCase.error?.kind ?? evaluationCase.status;
  return `${open}>\n      <${element} message="${xmlText(reasons[0] ?? 'failed')}" type="${xmlText(type)}">${xmlText(reasons.join('\n'))}</${element}>\n    </testcase>`;
}

export function formatEvaluationJunit(report: EvaluationReport): string {
  const repeats = report.cases.some((evaluationCase) => evaluationCase.repeat > 1);
  const totals = report.summary.reduce((sum, row) => ({ tests: sum.tests + row.cases, failures: sum.failures + row.failed, errors: sum.errors + row.errors }), { tests: 0, failures: 0, errors: 0 });
  const totalMs = (cases: EvaluationCase[]): number => cases.reduce((sum, evaluationCase) => sum + (evaluationCase.metrics.totalMs ?? 0), 0);
  const suites = report.summary.map((row) => {
    const cases = report.cases.filter((evaluationCase) => evaluationCase.deployment === row.deployment);
    return [
      `  <testsuite name="${xmlText(row.deployment)}" tests="${row.cases}" failures="${row.failed}" errors="${row.errors}" skipped="0" time="${seconds(totalMs(cases))}">`,
      ...cases.map((evaluationCase) => testcase(evaluationCase, repeats)),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="fanout eval" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" time="${seconds(totalMs(report.cases))}">`,
    ...suites,
    '</testsuites>',
  ].join('\n');
}
