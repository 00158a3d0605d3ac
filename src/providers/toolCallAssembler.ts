/**
 * Tool calls that stream as JSON fragments (OpenAI's `delta.tool_calls`, Bedrock's `toolUse.input`) assembled into
 * whole calls: arguments parsed into an object, or — when the cloud sent something that is not a JSON object — kept
 * as raw text with the reason, never dropped.
 */
import type { StreamPart } from '../core/request/stream';

type ToolCallPart = Extract<StreamPart, { type: 'tool-call' }>;

interface Pending {
  id: string;
  name: string;
  text: string;
}

export class ToolCallAssembler {
  private readonly calls = new Map<string | number, Pending>();
  private made = 0;

  /** Adds a fragment for the call at `key` (an index or an id); returns the delta part to stream. */
  add(key: string | number, fragment: { id?: string | null; name?: string | null; arguments?: string | null }): Extract<StreamPart, { type: 'tool-call-delta' }> {
    let call = this.calls.get(key);
    if (!call) {
      call = { id: fragment.id || `call_${++this.made}`, name: fragment.name ?? '', text: '' };
      this.calls.set(key, call);
    } else if (fragment.name && !call.name) call.name = fragment.name;
    call.text += fragment.arguments ?? '';
    return { type: 'tool-call-delta', id: call.id, ...(fragment.name ? { name: fragment.name } : {}), argumentsDelta: fragment.arguments ?? '' };
  }

  get size(): number {
    return this.calls.size;
  }

  /** Every call, whole, in the order it started. */
  finish(): ToolCallPart[] {
    return [...this.calls.values()].map((call) => wholeCall(call.id, call.name, call.text));
  }
}

/** A whole tool call from its arguments' text: parsed when it is a JSON object, else kept raw with why. */
export function wholeCall(id: string, name: string, text: string): ToolCallPart {
  const raw = text.trim() === '' ? '{}' : text;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return { type: 'tool-call', id, name, arguments: parsed as Record<string, unknown> };
    return { type: 'tool-call', id, name, arguments: {}, rawArguments: text, invalidArguments: `the arguments are JSON but not an object (${Array.isArray(parsed) ? 'a list' : typeof parsed})` };
  } catch (error) {
    return { type: 'tool-call', id, name, arguments: {}, rawArguments: text, invalidArguments: `the arguments are not valid JSON (${(error as Error).message.replace(/^JSON\.parse: /, '')}): the call may have been cut off` };
  }
}
