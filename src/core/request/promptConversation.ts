/**
 * A conversation written as markdown in a prompt file's body: `## user`, `## assistant` and `## tool NAME ID` headings,
 * each followed by that turn. In an assistant turn, a fenced block whose info string is `tool-call NAME ID` holds a call's
 * JSON arguments. A body without such headings is one user prompt, as before. Checked through the one request schema;
 * each mistake names the heading and its line.
 */
import type { ChatMessage, ContentPart } from './chatRequest';
import { checkMessages } from './chatRequestSchema';

const ROLE_HEADING = /^##[ \t]+(user|assistant)[ \t]*$/i;
const TOOL_HEADING = /^##[ \t]+tool[ \t]+(\S+)[ \t]+(\S+)(?:[ \t]+(error))?[ \t]*$/i;
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})(.*)$/;
const TOOL_CALL_FENCE = /^tool-call[ \t]+(\S+)[ \t]+(\S+)[ \t]*$/;

interface Section {
  heading: string;
  /** 1-based line of the heading in the file. */
  line: number;
  role: ChatMessage['role'];
  tool?: { name: string; id: string; isError: boolean };
  lines: string[];
}

export type ConversationResult = { ok: true; messages: ChatMessage[] } | { ok: false; problem: string };

/** `null` when the body has no turn headings (it is one user prompt). `firstLine`: the file line the body starts on, 1-based. */
export function parseConversation(body: string, firstLine: number): ConversationResult | null {
  const lines = body.split(/\r?\n/);
  const sections: Section[] = [];
  const before: string[] = [];
  let fence: string | null = null;
  lines.forEach((text, index) => {
    const opened = FENCE.exec(text);
    if (fence !== null) {
      if (opened && opened[1]!.startsWith(fence) && opened[2]!.trim() === '') fence = null;
    } else if (opened) {
      fence = opened[1]!;
    } else {
      const role = ROLE_HEADING.exec(text);
      const tool = TOOL_HEADING.exec(text);
      if (role || tool) {
        sections.push({
          heading: text.trim(), line: firstLine + index,
          role: role ? (role[1]!.toLowerCase() as 'user' | 'assistant') : 'tool',
          ...(tool ? { tool: { name: tool[1]!, id: tool[2]!, isError: tool[3] !== undefined } } : {}),
          lines: [],
        });
        return;
      }
    }
    (sections.at(-1)?.lines ?? before).push(text);
  });
  if (sections.length === 0) return null;
  const where = (section: Section): string => `${section.heading} (line ${section.line})`;
  if (before.join('').trim()) return { ok: false, problem: `text before the first turn heading — put it under "## user" (line ${firstLine}), or remove the headings to send the body as one prompt` };

  const messages: ChatMessage[] = [];
  for (const section of sections) {
    const turn = toMessage(section);
    if (typeof turn === 'string') return { ok: false, problem: `${where(section)}: ${turn}` };
    messages.push(turn);
  }
  const checked = checkMessages(messages);
  if (!checked.ok) {
    const issue = checked.issues[0]!;
    const section = sections[issue.path[0] as number] ?? sections[0]!;
    return { ok: false, problem: `${where(section)}: ${issue.message.replace('add the assistant message with that tool-call part before it', 'add a "## assistant" turn with a ```tool-call NAME ID block before it')}` };
  }
  const last = sections.at(-1)!;
  if (last.role === 'assistant') return { ok: false, problem: `${where(last)}: the conversation ends with the assistant — add a "## user" turn after it` };
  return { ok: true, messages: checked.value };
}

/** One turn as a message, or what is wrong with it. */
function toMessage(section: Section): ChatMessage | string {
  const text = section.lines.join('\n').trim();
  if (section.tool) {
    return { role: 'tool', content: [{ type: 'tool-result', toolCallId: section.tool.id, name: section.tool.name, content: text, ...(section.tool.isError ? { isError: true } : {}) }] };
  }
  if (section.role === 'user') return text ? { role: 'user', content: text } : 'the turn is empty — write the user\'s words under it';
  const calls: ContentPart[] = [];
  const prose: string[] = [];
  for (let index = 0; index < section.lines.length; index++) {
    const opened = FENCE.exec(section.lines[index]!);
    const call = opened ? TOOL_CALL_FENCE.exec(opened[2]!.trim()) : null;
    if (!opened || !call) {
      prose.push(section.lines[index]!);
      continue;
    }
    const end = section.lines.findIndex((line, at) => at > index && line.trim().startsWith(opened[1]!) && line.trim().replace(/[`~]/g, '') === '');
    if (end < 0) return `the \`\`\`tool-call ${call[1]} ${call[2]} block is not closed — end it with ${opened[1]}`;
    const source = section.lines.slice(index + 1, end).join('\n').trim();
    let parsed: unknown;
    try {
      parsed = source === '' ? {} : JSON.parse(source);
    } catch (error) {
      return `the arguments of tool call ${call[2]} are not valid JSON (${(error as Error).message}) — write a JSON object, e.g. {"city": "Paris"}`;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return `the arguments of tool call ${call[2]} must be a JSON object, e.g. {"city": "Paris"}`;
    calls.push({ type: 'tool-call', id: call[2]!, name: call[1]!, arguments: parsed as Record<string, unknown> });
    index = end;
  }
  const words = prose.join('\n').trim();
  if (!calls.length) return words ? { role: 'assistant', content: words } : 'the turn is empty — write the assistant\'s words or a ```tool-call NAME ID block under it';
  return { role: 'assistant', content: [...(words ? [{ type: 'text' as const, text: words }] : []), ...calls] };
}
