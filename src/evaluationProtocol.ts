/** What the evaluation results view says to the host (the host renders the view; the view only reports clicks). */
export type EvaluationViewMessage =
  | { type: 'open'; key: string }
  | { type: 'diff'; keys: [string, string] }
  | { type: 'rerunFailed' };

export function isEvaluationViewMessage(value: unknown): value is EvaluationViewMessage {
  const message = value as EvaluationViewMessage;
  if (!message || typeof message !== 'object') return false;
  switch (message.type) {
    case 'open': return typeof message.key === 'string';
    case 'diff': return Array.isArray(message.keys) && message.keys.length === 2 && message.keys.every((key) => typeof key === 'string');
    case 'rerunFailed': return true;
    default: return false;
  }
}
