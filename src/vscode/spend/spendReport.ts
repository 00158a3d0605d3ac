/** "Fanout: Show Spend": per day, deployment and provider, with a bar chart, as a rendered markdown report. */
import * as vscode from 'vscode';
import { summarise, type SpendLedger } from '../../core/storage/ledger';
import { PRICES_AS_OF } from '../../core/results/pricing';
import { formatCost } from '../../core/results/report';

function bars(label: string, rows: Array<{ name: string; usd: number; requests: number }>): string[] {
  const top = Math.max(...rows.map((row) => row.usd), 0);
  return [`| ${label} | cost | answers | |`, '|---|---:|---:|---|', ...rows.map((row) => `| ${row.name} | ${formatCost(row.usd)} | ${row.requests} | ${'█'.repeat(top > 0 ? Math.max(1, Math.round((row.usd / top) * 24)) : 0)} |`)];
}

export async function spendReport(ledger: SpendLedger): Promise<string> {
  const { records, skipped } = await ledger.load();
  const today = ledger.summaryOf(records, 'today');
  const month = ledger.summaryOf(records, 'month');
  const all = summarise(records);
  const lines = [
    '# Fanout spend', '',
    `Today **${formatCost(today.totalUsd)}** · this month **${formatCost(month.totalUsd)}** · all recorded **${formatCost(all.totalUsd)}** in ${all.requests} answers.`, '',
    `Costs come from the usage each service reported and the ${PRICES_AS_OF}; answers with no known price are not counted.${skipped ? ` ${skipped} unreadable line(s) of the ledger were skipped.` : ''}`, '',
  ];
  if (all.requests === 0) return [...lines, '*Nothing spent yet.*', ''].join('\n');
  lines.push('## Per day', '', ...bars('day', all.byDay.slice(-31)), '', '## Per deployment', '', ...bars('deployment', all.byDeployment), '', '## Per provider', '', ...bars('provider', all.byProvider), '');
  return lines.join('\n');
}

export async function showSpend(ledger: SpendLedger): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: await spendReport(ledger) });
  await vscode.commands.executeCommand('markdown.showPreview', document.uri).then(undefined, async () => vscode.window.showTextDocument(document));
  return document;
}
