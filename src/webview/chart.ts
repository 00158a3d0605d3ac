/**
 * A small comparison chart: time to first token and total time on one scale, cost on its own. Theme colours only.
 * Every finished deployment has its row: one that did not answer is named as failed or stopped, without bars.
 */
import type { ColumnMetrics } from '../protocol';
import { formatCost, formatMs } from './dom';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** The text in place of the bars of a deployment that did not answer. */
const notAnswered = (why: string, x: number, y: number): SVGTextElement => svg('text', { x, y: y + 12, class: 'chart-failed' }, why === 'stopped' ? '■ stopped' : `✕ ${why}`);

export interface ChartRow {
  id: string;
  metrics: ColumnMetrics;
  /** Why there are no bars: "failed: auth", "stopped". */
  notAnswered?: string;
}

export function renderChart(container: HTMLElement, rows: readonly ChartRow[]): void {
  const measured = rows.filter((row) => row.notAnswered !== undefined || row.metrics.totalMs !== null);
  const answered = measured.filter((row) => row.notAnswered === undefined);
  container.hidden = measured.length < 2 || answered.length === 0;
  if (container.hidden) return;
  const labelWidth = 130;
  const width = 420;
  const barArea = width - labelWidth - 70;
  const rowHeight = 18;
  const maxMs = Math.max(...answered.map((row) => row.metrics.totalMs ?? 0), 1);
  const costs = answered.map((row) => row.metrics.costUsd ?? 0);
  const maxCost = Math.max(...costs, 0);
  const latency = svg('svg', { width, height: measured.length * rowHeight + 24, role: 'img', 'aria-label': 'Time to first token and total time per deployment' });
  latency.append(svg('text', { x: 0, y: 12, class: 'chart-title' }, 'Latency'));
  latency.append(svg('rect', { x: 60, y: 4, width: 10, height: 9, class: 'bar-ttft' }), svg('text', { x: 74, y: 12, class: 'chart-title' }, 'first token'));
  latency.append(svg('rect', { x: 146, y: 4, width: 10, height: 9, class: 'bar-total' }), svg('text', { x: 160, y: 12, class: 'chart-title' }, 'total'));
  measured.forEach((row, index) => {
    const y = 20 + index * rowHeight;
    latency.append(svg('text', { x: 0, y: y + 12, class: 'chart-label' }, row.id.length > 20 ? `${row.id.slice(0, 19)}…` : row.id));
    if (row.notAnswered !== undefined) return latency.append(notAnswered(row.notAnswered, labelWidth, y));
    const total = ((row.metrics.totalMs ?? 0) / maxMs) * barArea;
    const ttft = ((row.metrics.ttftMs ?? 0) / maxMs) * barArea;
    latency.append(svg('rect', { x: labelWidth, y: y + 3, width: Math.max(total, 1), height: 12, class: 'bar-total', rx: 2 }));
    latency.append(svg('rect', { x: labelWidth, y: y + 3, width: Math.max(ttft, 1), height: 12, class: 'bar-ttft', rx: 2 }));
    latency.append(svg('text', { x: labelWidth + total + 6, y: y + 12, class: 'chart-value' }, formatMs(row.metrics.totalMs)));
  });
  const cost = svg('svg', { width, height: measured.length * rowHeight + 24, role: 'img', 'aria-label': 'Cost per deployment' });
  cost.append(svg('text', { x: 0, y: 12, class: 'chart-title' }, 'Cost'));
  measured.forEach((row, index) => {
    const y = 20 + index * rowHeight;
    cost.append(svg('text', { x: 0, y: y + 12, class: 'chart-label' }, row.id.length > 20 ? `${row.id.slice(0, 19)}…` : row.id));
    if (row.notAnswered !== undefined) return cost.append(notAnswered(row.notAnswered, labelWidth, y));
    const value = row.metrics.costUsd;
    const length = value && maxCost > 0 ? (value / maxCost) * barArea : 0;
    if (value !== null) cost.append(svg('rect', { x: labelWidth, y: y + 3, width: Math.max(length, 1), height: 12, class: 'bar-cost', rx: 2 }));
    cost.append(svg('text', { x: labelWidth + length + 6, y: y + 12, class: 'chart-value' }, value === null ? 'no price' : formatCost(value)));
  });
  container.replaceChildren(latency, cost);
}
