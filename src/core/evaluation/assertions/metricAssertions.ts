/** Assertions on how the answer came: latency (total ms), ttft (ms to the first token) and cost (USD). */
import { formatCost, formatMs } from '../../results/format';
import { thresholdValue, type AssertionKind } from './assertion';

const plain = (text: string): string => text.replace(/\u00a0/g, ' ');

export const latency: AssertionKind<number> = {
  prepare: (raw, { where }) => thresholdValue(raw, where, 'ms'),
  check: (limit, { result }) => {
    const total = result.metrics.totalMs;
    if (total === null) return { pass: false, reason: 'no total time was measured' };
    return { pass: total <= limit, reason: plain(`the answer took ${formatMs(total)} (limit ${formatMs(limit)})`) };
  },
};

export const ttft: AssertionKind<number> = {
  prepare: (raw, { where }) => thresholdValue(raw, where, 'ms'),
  check: (limit, { result }) => {
    const first = result.metrics.ttftMs;
    if (first === null) return { pass: false, reason: 'no first token arrived (an answer of tool calls only has none)' };
    return { pass: first <= limit, reason: plain(`the first token came after ${formatMs(first)} (limit ${formatMs(limit)})`) };
  },
};

export const cost: AssertionKind<number> = {
  prepare: (raw, { where }) => thresholdValue(raw, where, 'USD'),
  check: (limit, { result }) => {
    const spent = result.metrics.costUsd;
    if (spent === null) return { pass: false, reason: `the cost is unknown (${result.costNote ?? 'no price'})` };
    return { pass: spent <= limit, reason: `the answer cost ${formatCost(spent)} (limit ${formatCost(limit)})` };
  },
};
