/**
 * The evaluation results view's browser side: the host renders the matrix as HTML; this turns clicks into messages —
 * a cell's button opens its answer, two checked cells ask for a diff, "Re-run failed" asks for a re-run.
 */
import type { EvaluationViewMessage } from '../evaluationProtocol';

const vscode = acquireVsCodeApi();
const post = (message: EvaluationViewMessage): void => vscode.postMessage(message);

document.addEventListener('click', (event) => {
  const target = event.target;
  if (!(target instanceof HTMLElement)) return;
  if (target.dataset.open) post({ type: 'open', key: target.dataset.open });
  if (target.id === 'rerun') post({ type: 'rerunFailed' });
});

document.addEventListener('change', () => {
  const checked = [...document.querySelectorAll<HTMLInputElement>('input[data-key]:checked')];
  if (checked.length < 2) return;
  post({ type: 'diff', keys: [checked[0]!.dataset.key!, checked[1]!.dataset.key!] });
  for (const box of checked) box.checked = false;
});
