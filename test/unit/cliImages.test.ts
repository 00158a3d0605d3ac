/** `fanout run --image FILE` (repeatable) and prompt files' `images`: typed by their bytes, sent in each cloud's format; mistakes are one line, exit 2. */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { parsePromptFile } from '../../src/core/request/promptFile';
import { KEYS, deploymentsFor, startEmulators, type Emulators } from '../support/fixtures';
import { heicStart, tinyBmp, tinyJpeg, tinyPng } from './imageFixtures';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

const PNG = tinyPng();
const JPEG = tinyJpeg();

describe('fanout run --image', () => {
  let emulators: Emulators;
  let dir: string;
  let config: string;
  const env = { OPENAI_API_KEY: KEYS.openai, GEMINI_API_KEY: KEYS.gemini, AWS_ACCESS_KEY_ID: KEYS.aws.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.aws.secretAccessKey };
  const at = (name: string) => join(dir, name);
  const cli = async (args: string[]): Promise<Outcome> => {
    let stdout = '';
    let stderr = '';
    const code = await main(args.map((arg) => (arg === 'CONFIG' ? config : arg.startsWith('@') ? at(arg.slice(1)) : arg)), {
      stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env, readStdin: async () => '',
    });
    return { code, stdout, stderr };
  };
  const lastBody = (emulator: { server: { requests: Array<{ body: string }> } }) => JSON.parse(emulator.server.requests.at(-1)?.body ?? '{}');

  before(async () => {
    emulators = await startEmulators();
    dir = mkdtempSync(join(tmpdir(), 'fanout-cli-images-'));
    const all = deploymentsFor(emulators);
    writeFileSync(at('clouds.json'), JSON.stringify({ deployments: [all.openai, all.bedrock, all.gemini] }));
    config = at('clouds.json');
    writeFileSync(at('chart.png'), PNG);
    // a PNG named .jpeg: its bytes say what it is
    writeFileSync(at('screenshot.jpeg'), PNG);
    writeFileSync(at('photo.jpg'), JPEG);
    writeFileSync(at('diagram.bmp'), tinyBmp());
    writeFileSync(at('notes.txt'), 'not an image');
    writeFileSync(at('empty.png'), '');
    mkdirSync(at('folder.png'));
    writeFileSync(at('chat.json'), JSON.stringify([{ role: 'user', content: 'Describe the picture.' }, { role: 'assistant', content: 'Which one?' }, { role: 'user', content: 'This one.' }]));
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.reset());

  it('adds each image to the --prompt turn, typed by its bytes, in each cloud\'s own format; every model saw them', async () => {
    const { code, stdout, stderr } = await cli(['run', '--config', 'CONFIG', '--prompt', 'Compare these.', '--image', '@chart.png', '--image', '@photo.jpg', '--image', '@screenshot.jpeg', '--format', 'json']);
    assert.equal(stderr, '');
    assert.equal(code, 0, stdout);
    for (const result of JSON.parse(stdout).results) assert.ok(result.text.endsWith(' (3 images)'), `${result.deployment}: ${result.text}`);
    const png64 = PNG.toString('base64');
    const jpeg64 = JPEG.toString('base64');
    assert.deepEqual(lastBody(emulators.openai).messages.at(-1).content, [
      { type: 'text', text: 'Compare these.' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${png64}` } },
      { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${jpeg64}` } },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${png64}` } },
    ]);
    assert.deepEqual(lastBody(emulators.bedrock).messages.at(-1).content.slice(1).map((block: { image: { format: string } }) => block.image.format), ['png', 'jpeg', 'png']);
    assert.deepEqual(lastBody(emulators.google).contents.at(-1).parts.slice(1).map((part: { inlineData: { mimeType: string } }) => part.inlineData.mimeType), ['image/png', 'image/jpeg', 'image/png']);
  });

  it('without --prompt, the images go to the last user turn of --messages', async () => {
    const { code, stderr } = await cli(['run', '--config', 'CONFIG', '--messages', '@chat.json', '--image', '@chart.png', '--deployments', 'openai-mini']);
    assert.equal(code, 0, stderr);
    const messages = lastBody(emulators.openai).messages;
    assert.equal(messages[0].content, 'Describe the picture.');
    assert.deepEqual(messages[2].content.map((part: { type: string }) => part.type), ['text', 'image_url']);
  });

  it('an image a cloud does not take fails that column (exit 1) with the limit and the fix; nothing is sent', async () => {
    const { code, stdout } = await cli(['run', '--config', 'CONFIG', '--prompt', 'What is this?', '--image', '@diagram.bmp', '--format', 'json']);
    assert.equal(code, 1);
    for (const result of JSON.parse(stdout).results) {
      assert.equal(result.status, 'error');
      assert.equal(result.error.kind, 'bad_request');
      assert.match(result.error.message, /^image 1 \(.*diagram\.bmp\) is BMP, which .+ does not take \(it takes PNG, JPEG.*\) — convert it to one of those\. Nothing was sent\.$/);
    }
    assert.equal(emulators.openai.server.requests.length + emulators.bedrock.server.requests.length + emulators.google.server.requests.length, 0);
  });

  const mistakes: Array<[string[], RegExp]> = [
    [['--image', '@nowhere.png'], /^fanout: --image: cannot read .*nowhere\.png \(no such file\) — check the path\n$/],
    [['--image', '@notes.txt'], /^fanout: --image: .*notes\.txt is not an image Fanout recognises \(its first bytes are no PNG, JPEG, GIF, WebP, HEIC, HEIF, BMP or TIFF\) — convert it to PNG or JPEG\n$/],
    [['--image', '@empty.png'], /^fanout: --image: .*empty\.png is empty — name an image file\n$/],
    [['--image', '@folder.png'], /^fanout: --image: cannot read .*folder\.png \(a folder\) — check the path\n$/],
    [['--image='], /^fanout: --image: empty — name an image file, e.g\. --image photo\.png\n$/],
    [['--image'], /^fanout: .*--image.* — see fanout --help\n$/],
  ];
  for (const [flags, expected] of mistakes) {
    it(`exit 2 with one line, nothing sent: --prompt x ${flags.join(' ')}`, async () => {
      const { code, stdout, stderr } = await cli(['run', '--config', 'CONFIG', '--prompt', 'x', ...flags]);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, expected);
      assert.equal(emulators.openai.server.requests.length + emulators.bedrock.server.requests.length + emulators.google.server.requests.length, 0);
    });
  }

  it('--help names the flag', async () => {
    assert.match((await cli(['--help'])).stdout, /--image FILE +add an image to the user turn \(repeat for more\)/);
  });
});

describe('prompt files: images', () => {
  const files: Record<string, Uint8Array> = { 'chart.png': tinyPng(), 'shots/photo.heic': heicStart(), 'notes.txt': Buffer.from('hello') };
  const readRelativeBytes = async (path: string): Promise<Uint8Array> => {
    const bytes = files[path];
    if (!bytes) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    return bytes;
  };

  it('reads the images named in the front matter, typed by their bytes, into the user turn', async () => {
    const result = await parsePromptFile('---\nimages: [chart.png, shots/photo.heic]\n---\nWhat changed between these?\n', { readRelativeBytes });
    assert.ok(result.ok, !result.ok ? result.problem : '');
    assert.equal(result.file.prompt, 'What changed between these?');
    assert.deepEqual(result.file.messages, [{ role: 'user', content: [
      { type: 'text', text: 'What changed between these?' },
      { type: 'image', mediaType: 'image/png', data: Buffer.from(files['chart.png']!).toString('base64'), file: 'chart.png' },
      { type: 'image', mediaType: 'image/heic', data: Buffer.from(files['shots/photo.heic']!).toString('base64'), file: 'shots/photo.heic' },
    ] }]);
    assert.equal(result.file.images?.length, 2);
  });

  it('in a conversation, the images go to the last user turn', async () => {
    const result = await parsePromptFile('---\nimages: [chart.png]\n---\n## user\nHi\n## assistant\nHello\n## user\nLook at this.\n', { readRelativeBytes });
    assert.ok(result.ok, !result.ok ? result.problem : '');
    assert.equal(result.file.messages[0]!.content, 'Hi');
    assert.deepEqual((result.file.messages[2]!.content as Array<{ type: string }>).map((part) => part.type), ['text', 'image']);
    assert.equal(result.file.prompt, 'Look at this.');
  });

  it('a prompt file without images has none', async () => {
    const result = await parsePromptFile('Just text.', { readRelativeBytes });
    assert.ok(result.ok);
    assert.equal(result.file.images, undefined);
    assert.deepEqual(result.file.messages, [{ role: 'user', content: 'Just text.' }]);
  });

  const problems: Array<[string, RegExp, boolean]> = [
    ['---\nimages: [missing.png]\n---\nx', /^front matter: images\[0\]: cannot read missing\.png \(ENOENT\) — the path is relative to the prompt file$/, true],
    ['---\nimages: [chart.png, notes.txt]\n---\nx', /^front matter: images\[1\]: notes\.txt is not an image Fanout recognises .* — convert it to PNG or JPEG$/, true],
    ['---\nimages: chart.png\n---\nx', /^front matter: images must be /, true],
    ['---\nimages: [chart.png]\n---\nx', /^front matter: images: image files beside the prompt cannot be read here — attach the images where you run the prompt$/, false],
    ['---\nimage: [chart.png]\n---\nx', /^front matter: unknown field "image" — did you mean "images"\?$/, true],
  ];
  for (const [text, expected, withReader] of problems) {
    it(`names the mistake: ${JSON.stringify(text)}`, async () => {
      const result = await parsePromptFile(text, withReader ? { readRelativeBytes } : {});
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.problem : '', expected);
    });
  }

  it('reads real files relative to a prompt file on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fanout-prompt-images-'));
    writeFileSync(join(dir, 'a.jpg'), tinyJpeg());
    const result = await parsePromptFile('---\nimages: [a.jpg]\n---\nWhat is it?', { readRelativeBytes: (path) => readFile(join(dir, path)) });
    assert.ok(result.ok);
    assert.equal(result.file.images?.[0]?.type === 'image' && result.file.images[0].mediaType, 'image/jpeg');
  });
});
