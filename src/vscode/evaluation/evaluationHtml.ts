/**
 * The results view's HTML, rendered on the host from a ResultsMatrix: a CSP of default-src 'none', one nonce'd style
 * and the built media/evaluation.js (src/evalview: clicks become the typed messages of evaluationProtocol.ts; nothing
 * else runs). Every text from the tests file or an answer is escaped.
 */
import { randomBytes } from 'node:crypto';
import { formatCost } from '../../core/results/format';
import type { MatrixCell, ResultsMatrix } from '../../core/evaluation/resultsMatrix';
import type { SummaryRow } from '../../core/evaluation/summary';

const escape = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
const ms = (value: number | null): string => (value === null ? '—' : `${Math.round(value)} ms`);
const SYMBOL = { pass: '✓ pass', fail: '✗ fail', error: '⚠ error', missing: '· not run' } as const;

const STYLE = `
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 12px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid var(--vscode-panel-border); padding: 3px 8px; text-align: left; }
td.pass button { color: var(--vscode-testing-iconPassed); }
td.fail button { color: var(--vscode-testing-iconFailed); }
td.error button { color: var(--vscode-errorForeground); }
td.missing button { opacity: 0.6; }
td.pending button:disabled { color: var(--vscode-descriptionForeground); cursor: default; }
td button { background: none; border: none; cursor: pointer; font: inherit; padding: 0 4px; }
.num { text-align: right; white-space: nowrap; }
.badge { font-size: 0.85em; padding: 0 4px; border-radius: 3px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.streamed { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
#rerun { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 10px; cursor: pointer; }
#rerun:disabled { opacity: 0.5; cursor: default; }
`;

/** The cost cell: a batch deployment's cost is at the batch rate, with what the same cases cost streamed beside it. */
function costCell(row: SummaryRow): string {
  if (!row.batchCases) return escape(formatCost(row.costUsd));
  const streamed = row.streamedCostUsd == null ? '' : `<br><span class="streamed">streamed ${escape(formatCost(row.streamedCostUsd))}</span>`;
  return `${escape(formatCost(row.costUsd))} <span class="badge" title="${row.batchCases} case${row.batchCases === 1 ? '' : 's'} answered through the cloud's batch service, at its batch rate">batch</span>${streamed}`;
}

export function evaluationHtml(title: string, matrix: ResultsMatrix, webview: { cspSource: string; script: string }, running: boolean, pending: ReadonlySet<string> = new Set()): string {
  const { cspSource } = webview;
  const nonce = randomBytes(18).toString('base64');
  const csp = ["default-src 'none'", `style-src ${cspSource} 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`].join('; ');
  const head = matrix.deployments.map((id) => `<th scope="col">${escape(id)}</th>`).join('');
  const cellOf = (cell: MatrixCell): Omit<MatrixCell, 'state'> & { state: MatrixCell['state'] | 'pending'; symbol: string } => (cell.state === 'missing' && pending.has(cell.key)
    ? { ...cell, state: 'pending' as const, reason: 'in a batch job: Fetch it from Fanout Batch Jobs once it has finished', symbol: '… in batch' }
    : { ...cell, symbol: SYMBOL[cell.state] });
  const rows = matrix.rows.map((row) => `<tr><th scope="row">${escape(row.label)}</th>${row.cells.map(cellOf).map((cell) => `<td class="${cell.state}" title="${escape(cell.reason)}">`
    + `${cell.state === 'missing' || cell.state === 'pending' ? '' : `<input type="checkbox" data-key="${escape(cell.key)}" aria-label="pick for diff">`}`
    + `<button ${cell.state === 'missing' || cell.state === 'pending' ? 'disabled' : `data-open="${escape(cell.key)}"`} aria-label="${escape(`${cell.deployment}: ${cell.state} — ${cell.reason}`)}">${cell.symbol}</button></td>`).join('')}</tr>`).join('\n');
  const summary = matrix.summary.map((row) => `<tr><th scope="row">${escape(row.deployment)}</th>`
    + `<td class="num">${row.passRate === null ? '—' : `${Math.round(row.passRate * 100)}%`} (${row.passed}/${row.cases})</td>`
    + `<td class="num">${costCell(row)}</td>`
    + `<td class="num">${ms(row.ttftP50)}</td><td class="num">${ms(row.ttftP95)}</td><td class="num">${ms(row.totalP50)}</td><td class="num">${ms(row.totalP95)}</td></tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">${STYLE}</style>
<title>${escape(title)}</title>
</head>
<body>
<h2>${escape(title)}${running ? ' (running…)' : ''}</h2>
<p><button id="rerun" ${running ? 'disabled' : ''}>Re-run failed</button> Click a cell to open its answer; check two cells to diff them.</p>
<table aria-label="Per deployment">
<tr><th>Deployment</th><th>Pass rate</th><th>Cost</th><th>ttft p50</th><th>ttft p95</th><th>total p50</th><th>total p95</th></tr>
${summary}
</table>
<table aria-label="Tests by deployment">
<tr><th>Test</th>${head}</tr>
${rows}
</table>
<script nonce="${nonce}" src="${webview.script}"></script>
</body>
</html>`;
}
