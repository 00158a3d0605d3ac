/**
 * The playground's images and reasoning on the host: an image is stored once by its sha256 and read back by it (a file
 * gone is named, never sent), no history line holds an image's base64, and each column's reasoning goes back with
 * its signature in the next turn.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { HistoryStore, type HistoryEntry } from '../../src/core/storage/history';
import type { RunRequest } from '../../src/protocol';
import { MAX_IMAGE_BYTES } from '../../src/protocolLimits';
import { Conversation, setupOf, withStoredImages } from '../../src/vscode/playground/conversation';
import { ImageStore, checkImageBytes, missingImagesText } from '../../src/vscode/playground/imageStore';
import { answer } from '../support/answers';
import { imagePart, tinyJpeg, tinyPng } from './imageFixtures';

const folder = () => mkdtempSync(join(tmpdir(), 'fanout-images-'));
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('playground images (host)', () => {
  it('stores the same bytes once, under their sha256 and a type extension, and reads them back', async () => {
    const store = new ImageStore(join(folder(), 'images'));
    const png = tinyPng();
    const first = await store.put('chart.png', png);
    const again = await store.put('copy of chart.png', Buffer.from(png));
    assert.ok(first.ok && again.ok);
    assert.deepEqual(first.image, { hash: sha(png), mediaType: 'image/png', bytes: png.length });
    assert.deepEqual([first.created, again.created], [true, false]);
    assert.deepEqual(readdirSync(store.folder), [`${sha(png)}.png`]);
    assert.deepEqual(Buffer.from((await store.read(sha(png), 'image/png'))!), png);
    const jpeg = await store.put('photo.jpg', tinyJpeg());
    assert.ok(jpeg.ok && jpeg.image.mediaType === 'image/jpeg');
    assert.equal(readdirSync(store.folder).length, 2);
  });

  it('a file gone from storage (or changed) reads as null, and is named in a sentence that says what to do', async () => {
    const store = new ImageStore(folder());
    const png = tinyPng();
    await store.put('chart.png', png);
    writeFileSync(store.pathOf(sha(png), 'image/png'), Buffer.from('not the same bytes'));
    assert.equal(await store.read(sha(png), 'image/png'), null);
    rmSync(store.pathOf(sha(png), 'image/png'));
    assert.equal(await store.read(sha(png), 'image/png'), null);
    assert.equal(missingImagesText(['chart.png']), "The image chart.png is no longer in Fanout's storage (it may have been cleared): the run is shown without it — attach it again to send it.");
    assert.match(missingImagesText(['a.png', 'b.png']), /^The images a\.png, b\.png are no longer/);
  });

  it('refuses what is not an image (by its bytes, not its name) and anything over 50 MB, before storing it', async () => {
    const store = new ImageStore(folder());
    const text = await store.put('notes.png', Buffer.from('hello, this is text'));
    assert.equal(text.ok, false);
    assert.match(!text.ok ? text.problem : '', /^notes\.png is not an image Fanout recognises/);
    const huge = Buffer.alloc(MAX_IMAGE_BYTES + 1);
    tinyPng().copy(huge);
    const big = checkImageBytes('huge.png', huge);
    assert.equal(big.ok, false);
    assert.match(!big.ok ? big.problem : '', /^huge\.png is 50 MB; the playground takes images up to 50 MB — shrink or compress it$/);
    assert.deepEqual(readdirSync(store.folder), []);
  });

  it('a saved history line holds each image\'s hash and media type, never its base64', async () => {
    const png = tinyPng();
    const base64 = png.toString('base64');
    const file = join(folder(), 'history.jsonl');
    const history = new HistoryStore(file, { maxEntries: 10, redact: (text) => text });
    const conversation = new Conversation({ params: {} });
    conversation.start(['gpt'], 'What is in this chart?', [imagePart(png, 'image/png', 'chart.png')]);
    assert.equal((conversation.requestFor('gpt').messages[0]!.content as Array<{ data?: string }>)[1]!.data, base64, 'the request carries the bytes');
    const entry: HistoryEntry = {
      id: 'e1', at: new Date(0).toISOString(), system: '', prompt: 'What is in this chart?', variables: {}, params: {}, deploymentIds: ['gpt'],
      results: [], threads: conversation.snapshot(), images: [{ hash: sha(png), mediaType: 'image/png', name: 'chart.png' }],
    };
    await history.append(entry);
    const line = readFileSync(file, 'utf8');
    assert.ok(!line.includes(base64), 'no base64 in the line');
    assert.ok(!line.includes(base64.slice(0, 24)), 'not even its start');
    assert.ok(line.includes(sha(png)));
    const saved = (await history.get('e1'))!;
    assert.deepEqual(saved.threads!.gpt![0]!.content, [{ type: 'text', text: 'What is in this chart?' }, { type: 'image', mediaType: 'image/png', file: 'chart.png' }]);
    // reopening puts the stored bytes back in each thread's image parts; an image gone is left out
    const restored = withStoredImages(saved.threads!.gpt!, [imagePart(png, 'image/png', 'chart.png')]);
    assert.deepEqual(restored[0]!.content, [{ type: 'text', text: 'What is in this chart?' }, imagePart(png, 'image/png', 'chart.png')]);
    assert.deepEqual(withStoredImages(saved.threads!.gpt!, [null])[0]!.content, [{ type: 'text', text: 'What is in this chart?' }]);
  });
});

describe('playground reasoning (host)', () => {
  const request: RunRequest = { type: 'run', system: '', prompt: 'Why?', variables: {}, params: {}, deploymentIds: ['claude', 'gpt'], repeat: 1, reasoning: { budgetTokens: 2048 } };

  it('every column asks with the run\'s reasoning, and sends its reasoning blocks back unchanged in its next turn', () => {
    const conversation = new Conversation(setupOf(request));
    conversation.start(['claude', 'gpt'], 'Why?');
    assert.deepEqual(conversation.requestFor('gpt').reasoning, { budgetTokens: 2048 });
    conversation.record({ ...answer('claude', 'Because.'), reasoning: 'Let me think.', reasoningBlocks: [{ text: 'Let me think.', signature: 'sig-abc' }, { text: '', redactedData: 'ZW5jcnlwdGVk' }] });
    conversation.record(answer('gpt', 'Because.'));
    conversation.addUserTurn(['claude', 'gpt'], 'Sure?');
    assert.deepEqual(conversation.requestFor('claude').messages[1], { role: 'assistant', content: [
      { type: 'reasoning', text: 'Let me think.', signature: 'sig-abc' },
      { type: 'reasoning', text: '', redactedData: 'ZW5jcnlwdGVk' },
      { type: 'text', text: 'Because.' },
    ] });
    assert.deepEqual(conversation.requestFor('gpt').messages[1], { role: 'assistant', content: 'Because.' });
  });

  it('a prompt file\'s earlier turns start every thread; one ending with tool results adds no empty user turn', () => {
    const conversation = new Conversation({ params: {} });
    const earlier = [{ role: 'user' as const, content: 'Hi' }, { role: 'assistant' as const, content: 'Hello.' }];
    conversation.start(['gpt'], 'And now?', [], earlier);
    assert.deepEqual(conversation.requestFor('gpt').messages.map((message) => message.content), ['Hi', 'Hello.', 'And now?']);
    conversation.start(['gpt'], '', [], earlier);
    assert.deepEqual(conversation.requestFor('gpt').messages.map((message) => message.content), ['Hi', 'Hello.']);
  });
});
