/** Between efforts and budgets, for clouds that take only one of them: the same table everywhere, said in a warning. */
import type { Reasoning, ReasoningEffort } from '../core/request/chatRequest';

/** Thinking tokens an effort stands for where a cloud takes a budget (Claude's minimum is 1024). */
export const BUDGET_OF_EFFORT: Record<ReasoningEffort, number> = { minimal: 1024, low: 2048, medium: 8192, high: 16384 };

/** The effort nearest a budget, where a cloud takes only an effort. */
export function effortOfBudget(budget: number): ReasoningEffort {
  if (budget <= 1024) return 'minimal';
  if (budget <= 4096) return 'low';
  if (budget <= 12288) return 'medium';
  return 'high';
}

export const effortOf = (reasoning: Reasoning): ReasoningEffort => ('effort' in reasoning ? reasoning.effort : effortOfBudget(reasoning.budgetTokens));
export const budgetOf = (reasoning: Reasoning): number => ('budgetTokens' in reasoning ? reasoning.budgetTokens : BUDGET_OF_EFFORT[reasoning.effort]);
