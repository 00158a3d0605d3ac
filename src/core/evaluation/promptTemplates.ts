/**
 * The prompts of a tests file (promptfoo's `prompts`/`prompt`, Fanout's `system` and `messages`) and the request each
 * case sends: the prompt's `{{var}}`s filled from the test. Only `{{name}}` is a template here; a nunjucks filter or tag
 * is named as unsupported, and a var the prompt uses that a test lacks is an input error (stricter than promptfoo).
 */
import { dirname, resolve } from 'node:path';
import type { ChatMessage, ChatRequest, ContentPart } from '../request/chatRequest';
import { checkMessages, jsonPath } from '../request/chatRequestSchema';
import { fill, variablesIn } from '../request/template';
import { readBounded } from './dataset';
import { EvaluationInputError, type EvaluationSuite, type PromptTemplate } from './suite';

const MAX_PROMPT_FILE_BYTES = 20 * 1024 * 1024;

/** `{{ anything }}` that is not a plain `{{name}}`, and `{% … %}`: template features Fanout does not run. */
function unsupportedTemplate(text: string): string | null {
  const tag = /\{%[\s\S]*?%\}/.exec(text);
  if (tag) return tag[0];
  for (const match of text.matchAll(/\{\{([\s\S]*?)\}\}/g)) if (!/^\s*[A-Za-z_][A-Za-z0-9_]{0,63}\s*$/.test(match[1]!)) return match[0];
  return null;
}

function checkTemplate(text: string, where: string): void {
  const found = unsupportedTemplate(text);
  if (found) throw new EvaluationInputError(`${where}: ${JSON.stringify(found.length > 60 ? `${found.slice(0, 59)}…` : found)} is a template feature Fanout does not support — only {{name}} is filled in; compute the value into a var instead`);
}

const textsOf = (message: ChatMessage): string[] => (typeof message.content === 'string' ? [message.content] : message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])));

/** A prompt written as a JSON list of chat messages (promptfoo's chat format): its system turn apart. */
function chatPrompt(text: string, where: string): { system?: string; messages: ChatMessage[] } | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || !value.every((item) => item && typeof item === 'object' && 'role' in item)) return null;
  const system = value.filter((item) => item.role === 'system').map((item) => String(item.content)).join('\n\n');
  const checked = checkMessages(value.filter((item) => item.role !== 'system'));
  if (!checked.ok) throw new EvaluationInputError(`${where}: ${jsonPath(checked.issues[0]!.path)} ${checked.issues[0]!.message}`);
  return { ...(system ? { system } : {}), messages: checked.value };
}

async function promptText(entry: unknown, where: string, baseDir: string): Promise<{ text: string; label?: string }> {
  let raw = entry;
  let label: string | undefined;
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const object = raw as { raw?: unknown; id?: unknown; label?: unknown };
    label = typeof object.label === 'string' ? object.label : undefined;
    raw = object.raw ?? object.id;
  }
  if (typeof raw !== 'string' || raw.trim() === '') throw new EvaluationInputError(`${where}: must be the prompt's text (or file://prompt.txt) — write prompts: ["Answer {{question}}"]`);
  if (raw.startsWith('file://')) {
    const path = resolve(baseDir, raw.slice('file://'.length));
    return { text: await readBounded(path, where, MAX_PROMPT_FILE_BYTES), label: label ?? raw };
  }
  return { text: raw, ...(label ? { label } : {}) };
}

/** The prompts a tests file sends, each a conversation with its `{{var}}`s still in it. */
export async function readPrompts(root: Record<string, unknown>, file: string): Promise<PromptTemplate[]> {
  const baseDir = dirname(file);
  const system = root.system;
  if (system !== undefined && typeof system !== 'string') throw new EvaluationInputError('system: must be text — write system: "You are …"');
  let before: ChatMessage[] = [];
  if (root.messages !== undefined) {
    const checked = checkMessages(root.messages);
    if (!checked.ok) throw new EvaluationInputError(`messages${jsonPath(checked.issues[0]!.path, '')}: ${checked.issues[0]!.message}`);
    before = checked.value;
  }
  const entries = root.prompts !== undefined ? root.prompts : root.prompt;
  const field = root.prompts !== undefined ? 'prompts' : 'prompt';
  const list = entries === undefined ? [] : Array.isArray(entries) ? entries : [entries];
  const prompts: PromptTemplate[] = [];
  for (const [index, entry] of list.entries()) {
    const where = Array.isArray(entries) ? `${field}[${index}]` : field;
    const { text, label } = await promptText(entry, where, baseDir);
    const chat = chatPrompt(text, where);
    const promptSystem = [system, chat?.system].filter(Boolean).join('\n\n');
    prompts.push({
      label: label ?? `prompt ${index + 1}`,
      ...(promptSystem ? { system: promptSystem } : {}),
      messages: chat ? [...before, ...chat.messages] : [...before, { role: 'user', content: text }],
    });
  }
  if (!prompts.length) {
    if (!before.length) throw new EvaluationInputError('prompts: missing — add prompts: ["Answer briefly: {{question}}"] (or messages: [...])');
    prompts.push({ label: 'prompt 1', ...(typeof system === 'string' ? { system } : {}), messages: before });
  }
  for (const [index, prompt] of prompts.entries()) {
    const where = prompts.length > 1 || root.prompts !== undefined ? `prompts[${index}]` : 'prompt';
    for (const text of [prompt.system ?? '', ...prompt.messages.flatMap(textsOf)]) checkTemplate(text, where);
  }
  return prompts;
}

/** The vars a prompt uses. */
export function promptVariables(prompt: PromptTemplate): string[] {
  return variablesIn(prompt.system ?? '', ...prompt.messages.flatMap(textsOf));
}

const filled = (message: ChatMessage, vars: Record<string, string>): ChatMessage => ({
  role: message.role,
  content: typeof message.content === 'string' ? fill(message.content, vars)
    : message.content.map((part): ContentPart => (part.type === 'text' ? { type: 'text', text: fill(part.text, vars) } : part)),
});

/** The request one case sends: the prompt with the test's vars, the file's tools and answer format. */
export function buildRequest(suite: EvaluationSuite, prompt: PromptTemplate, vars: Record<string, string>): ChatRequest {
  return {
    ...(prompt.system ? { system: fill(prompt.system, vars) } : {}),
    messages: prompt.messages.map((message) => filled(message, vars)),
    params: {},
    ...(suite.tools ? { tools: suite.tools } : {}),
    ...(suite.toolChoice ? { toolChoice: suite.toolChoice } : {}),
    ...(suite.responseFormat ? { responseFormat: suite.responseFormat } : {}),
  };
}
