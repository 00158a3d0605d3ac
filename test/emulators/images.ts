/**
 * Image parts as each cloud checks them, in its own words: OpenAI's `image_url` data URLs (an image media type it
 * takes, valid base64), Bedrock's `image {format, source.bytes}` (a format from its list, bytes present), Gemini's
 * `inlineData {mimeType, data}` (a MIME type it takes, data present). And the emulated model says how many images it
 * saw (" (2 images)" after its answer), so a test can see they arrived.
 */
import type { AnswerPlan } from './conversation';

export interface ImagesSeen {
  count: number;
  /** The cloud's refusal, in its words; null when it takes every image. */
  problem: string | null;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const isBase64 = (data: unknown): data is string => typeof data === 'string' && data.length > 0 && data.length % 4 === 0 && BASE64.test(data);

/** OpenAI chat: every `image_url` part of every message. */
export function openaiImages(messages: unknown): ImagesSeen {
  let count = 0;
  for (const message of Array.isArray(messages) ? messages : []) {
    const content = (message as { content?: unknown }).content;
    for (const part of Array.isArray(content) ? content : []) {
      if ((part as { type?: string }).type !== 'image_url') continue;
      count++;
      const url = String((part as { image_url?: { url?: unknown } }).image_url?.url ?? '');
      if (/^https?:\/\//.test(url)) continue;
      const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
      if (!match || !isBase64(match[2])) return { count, problem: 'Invalid image.' };
      if (!['image/png', 'image/jpeg', 'image/gif', 'image/webp'].includes(match[1]!)) {
        return { count, problem: "You uploaded an unsupported image. Please make sure your image has of one the following formats: ['png', 'jpeg', 'gif', 'webp']." };
      }
    }
  }
  return { count, problem: null };
}

/** Bedrock Converse: every `image` block; the SDK sends `source.bytes` as base64 in the JSON body. */
export function bedrockImages(messages: unknown): ImagesSeen {
  let count = 0;
  for (const [index, message] of (Array.isArray(messages) ? messages : []).entries()) {
    const content = (message as { content?: unknown }).content;
    for (const [at, block] of (Array.isArray(content) ? content : []).entries()) {
      const image = (block as { image?: { format?: unknown; source?: { bytes?: unknown } } }).image;
      if (!image) continue;
      count++;
      const where = `messages.${index + 1}.member.content.${at + 1}.member.image`;
      if (!['png', 'jpeg', 'gif', 'webp'].includes(String(image.format))) {
        return { count, problem: `1 validation error detected: Value '${String(image.format)}' at '${where}.format' failed to satisfy constraint: Member must satisfy enum value set: [png, jpeg, gif, webp]` };
      }
      if (!isBase64(image.source?.bytes)) return { count, problem: `1 validation error detected: Value at '${where}.source.bytes' failed to satisfy constraint: Member must have length greater than or equal to 1` };
    }
  }
  return { count, problem: null };
}

/** Gemini and Vertex AI: every `inlineData` part. */
export function geminiImages(contents: unknown): ImagesSeen {
  let count = 0;
  for (const content of Array.isArray(contents) ? contents : []) {
    const parts = (content as { parts?: unknown }).parts;
    for (const part of Array.isArray(parts) ? parts : []) {
      const inline = (part as { inlineData?: { mimeType?: unknown; data?: unknown } }).inlineData;
      if (!inline) continue;
      count++;
      const mimeType = String(inline.mimeType ?? '');
      if (!['image/png', 'image/jpeg', 'image/webp', 'image/heic', 'image/heif'].includes(mimeType)) return { count, problem: `Unsupported MIME type: ${mimeType}` };
      if (!isBase64(inline.data)) return { count, problem: "Invalid value at 'contents[0].parts[1].inline_data.data' (TYPE_BYTES), Base64 decoding failed" };
    }
  }
  return { count, problem: null };
}

/** The answer, with " (N images)" after a text answer when the request carried images; a JSON answer stays JSON. */
export function mentionImages(plan: AnswerPlan, count: number): AnswerPlan {
  if (count === 0 || plan.kind !== 'text') return plan;
  try {
    JSON.parse(plan.tokens.join(''));
    return plan;
  } catch {
    return { kind: 'text', tokens: [...plan.tokens, ` (${count} image${count === 1 ? '' : 's'})`] };
  }
}
