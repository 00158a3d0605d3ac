/**
 * Images on every provider kind, through the official SDKs against the emulators: each cloud's own wire (OpenAI
 * `image_url` data URLs, Bedrock `image.source.bytes`, Gemini `inlineData`), and each cloud's limits — type, size per
 * image and per request, count, bytes that are not what their type says — checked before sending, so a refused image
 * fails only its column, with the limit and the fix, and the others answer.
 */
import * as assert from 'node:assert/strict';
import type { Deployment } from '../../src/core/config/deployment';
import type { ChatRequest, ContentPart } from '../../src/core/request/chatRequest';
import { MB, base64Bytes, imageProblem, sniffImageType } from '../../src/core/request/imageCheck';
import { runFanout, type DeploymentResult } from '../../src/core/engine/fanout';
import { DESCRIPTORS, PROVIDER_KINDS, loadAdapter } from '../../src/providers/registry';
import { bedrockImages } from '../emulators/images';
import { KEYS, collect, deploymentsFor, errorOf, startEmulators, testCredentials, type Emulators } from '../support/fixtures';
import { heicStart, imagePart, largePng, tinyBmp, tinyJpeg, tinyPng } from './imageFixtures';

const PNG = tinyPng();
const PNG64 = PNG.toString('base64');
const ask = (...images: ContentPart[]): ChatRequest => ({ messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, ...images] }], params: { maxTokens: 64 } });

describe('images: what their bytes are, and the limits a cloud takes', () => {
  it('reads the media type from the first bytes, never from a name', () => {
    assert.equal(sniffImageType(PNG), 'image/png');
    assert.equal(sniffImageType(tinyJpeg()), 'image/jpeg');
    assert.equal(sniffImageType(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')), 'image/gif');
    assert.equal(sniffImageType(Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1')), 'image/webp');
    assert.equal(sniffImageType(heicStart()), 'image/heic');
    assert.equal(sniffImageType(tinyBmp()), 'image/bmp');
    assert.equal(sniffImageType(Buffer.from('%PDF-1.7\n', 'latin1')), null);
    assert.equal(sniffImageType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])), null, 'half a PNG signature is not a PNG');
    assert.equal(sniffImageType(new Uint8Array()), null);
  });

  it('counts base64 bytes without decoding', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 100]) assert.equal(base64Bytes(Buffer.alloc(length).toString('base64')), length);
  });

  it('each problem names the image, the limit and the fix', () => {
    const limits = { mediaTypes: ['image/png', 'image/jpeg'], maxBytes: 1 * MB, maxTotalBytes: 2 * MB, maxCount: 2 };
    const cases: Array<[ContentPart[], RegExp | null]> = [
      [[imagePart(PNG, 'image/png')], null],
      [[imagePart(tinyJpeg(), 'image/jpg')], null],
      [[imagePart(tinyBmp(), 'image/bmp', 'chart.bmp')], /^image 1 \(chart\.bmp\) is BMP, which Cloud X does not take \(it takes PNG, JPEG\) — convert it to one of those\. Nothing was sent\.$/],
      [[imagePart(PNG, 'image/png'), imagePart(tinyJpeg(), 'image/png', 'photo.png')], /^image 2 \(photo\.png\) is marked image\/png, but its bytes are JPEG — give its media type as image\/jpeg\. Nothing was sent\.$/],
      [[imagePart(Buffer.from('not a picture at all'), 'image/png')], /^image 1 is marked image\/png, but its bytes are not a PNG \(a corrupt or truncated file\?\) — check the file\. Nothing was sent\.$/],
      [[imagePart(largePng(1.5 * MB), 'image/png')], /^image 1 is 1\.50 MB; Cloud X takes at most 1 MB an image — shrink or compress it\. Nothing was sent\.$/],
      [[imagePart(PNG, 'image/png'), imagePart(PNG, 'image/png'), imagePart(PNG, 'image/png')], /^The request holds 3 images; Cloud X takes at most 2 in one request — send fewer\. Nothing was sent\.$/],
      [[imagePart(largePng(0.9 * MB), 'image/png'), imagePart(largePng(0.9 * MB), 'image/png')], null],
      [[{ type: 'image', mediaType: 'image/png', file: 'unread.png' }], /^image 1 \(unread\.png\) has no data: a front end must read its file before sending\. Nothing was sent\.$/],
    ];
    for (const [images, expected] of cases) {
      const problem = imageProblem(ask(...images), limits, 'Cloud X');
      if (expected) assert.match(problem ?? '', expected);
      else assert.equal(problem, null, JSON.stringify(images.map((image) => image.type === 'image' && image.mediaType)));
    }
    assert.match(imageProblem(ask(imagePart(largePng(1.2 * MB), 'image/png'), imagePart(largePng(0.9 * MB), 'image/png')), { ...limits, maxBytes: undefined }, 'Cloud X') ?? '',
      /^The request's 2 images come to 2\.10 MB; Cloud X takes at most 2 MB of images in one request — send fewer or smaller images\./);
    assert.equal(imageProblem({ messages: [{ role: 'user', content: 'no images' }], params: {} }, limits, 'Cloud X'), null);
    // without known limits, only the bytes are checked
    assert.equal(imageProblem(ask(imagePart(tinyBmp(), 'image/bmp')), undefined, 'Cloud X'), null);
    assert.match(imageProblem(ask(imagePart(tinyBmp(), 'image/png')), undefined, 'Cloud X') ?? '', /its bytes are BMP/);
  });

  it('every provider kind has documented image limits in its descriptor', () => {
    for (const kind of PROVIDER_KINDS) {
      const images = DESCRIPTORS[kind].images;
      assert.ok(images, kind);
      assert.ok(images.mediaTypes.includes('image/png') && images.mediaTypes.includes('image/jpeg'), kind);
      assert.ok(images.maxBytes !== undefined || images.maxTotalBytes !== undefined, kind);
    }
    assert.deepEqual(DESCRIPTORS.bedrock.images, { mediaTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'], maxBytes: 3.75 * MB, maxCount: 20 });
  });
});

describe('images on every provider kind', function () {
  this.timeout(60_000);
  let emulators: Emulators;
  let all: Deployment[];
  before(async () => {
    emulators = await startEmulators();
  });
  after(() => emulators.stop());
  beforeEach(() => {
    emulators.reset();
    const d = deploymentsFor(emulators);
    all = [d.openai, d.compatible, d.azure, d.bedrock, d.vertex, d.gemini, d.vertexOpenai];
  });
  const credentials = testCredentials({ 'local-llama': { type: 'api-key', key: KEYS.openai, source: 'test' } });
  const run = (request: ChatRequest, deployments: Deployment[] = all): Promise<DeploymentResult[]> => runFanout(request, deployments, { loadAdapter, credentials, retry: { maxRetries: 0 } });
  const byId = (results: DeploymentResult[]) => Object.fromEntries(results.map((result) => [result.deployment, result]));
  const bodies = (emulator: { server: { requests: Array<{ body: string }> } }) => emulator.server.requests.map((request) => JSON.parse(request.body));
  const requestCount = () => emulators.openai.server.requests.length + emulators.bedrock.server.requests.length + emulators.google.server.requests.length;
  /** Every deployment not named answered, and saw `images` images. */
  const othersAnswered = (results: DeploymentResult[], failed: string[], images: number) => {
    for (const result of results.filter((candidate) => !failed.includes(candidate.deployment))) {
      assert.equal(result.status, 'ok', `${result.deployment}: ${JSON.stringify(result.error)}`);
      assert.ok(result.text.endsWith(` (${images} image${images === 1 ? '' : 's'})`), `${result.deployment}: ${result.text}`);
    }
  };
  const refusedBeforeSending = (result: DeploymentResult | undefined, pattern: RegExp) => {
    assert.equal(result?.status, 'error', result?.deployment);
    assert.equal(result?.error?.kind, 'bad_request');
    assert.equal(result?.error?.retryable, false);
    assert.match(result?.error?.message ?? '', pattern, result?.deployment);
    assert.match(result?.error?.message ?? '', /Nothing was sent\.$/);
  };

  it('an image reaches every kind in its cloud\'s own format, and every model saw it', async () => {
    const results = await run(ask(imagePart(PNG, 'image/png')));
    othersAnswered(results, [], 1);
    // OpenAI, OpenAI-compatible, Azure OpenAI and Vertex AI's OpenAI-compatible route: an image_url data URL
    const openai = bodies(emulators.openai);
    assert.equal(openai.length, 4);
    for (const body of openai) {
      assert.deepEqual(body.messages.at(-1).content, [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG64}` } }]);
    }
    // Bedrock: image bytes with a format, base64 in the JSON body
    const [bedrock] = bodies(emulators.bedrock);
    assert.deepEqual(bedrock.messages[0].content[1], { image: { format: 'png', source: { bytes: PNG64 } } });
    // Vertex AI and the Gemini API: inlineData
    const google = bodies(emulators.google);
    assert.equal(google.length, 2);
    for (const body of google) assert.deepEqual(body.contents[0].parts[1], { inlineData: { mimeType: 'image/png', data: PNG64 } });
  });

  it('a 30 MB image: refused before sending wherever it is over the cloud\'s limit; the Gemini API takes it, and refuses 90 MB in one request', async () => {
    const big = imagePart(largePng(30 * MB), 'image/png', 'scan.png');
    const results = byId(await run(ask(big)));
    for (const id of ['openai-mini', 'local-llama', 'azure-gpt4o', 'vertex-gpt-oss']) refusedBeforeSending(results[id], /^image 1 \(scan\.png\) is 30 MB; (OpenAI|OpenAI-compatible|Azure OpenAI|Vertex AI \(OpenAI-compatible\)) takes at most 20 MB an image — shrink or compress it\./);
    refusedBeforeSending(results['bedrock-haiku'], /^image 1 \(scan\.png\) is 30 MB; Amazon Bedrock takes at most 3\.75 MB an image/);
    refusedBeforeSending(results['vertex-flash'], /^image 1 \(scan\.png\) is 30 MB; Vertex AI takes at most 7 MB an image/);
    othersAnswered(Object.values(results), ['openai-mini', 'local-llama', 'azure-gpt4o', 'vertex-gpt-oss', 'bedrock-haiku', 'vertex-flash'], 1);
    assert.equal(emulators.openai.server.requests.length + emulators.bedrock.server.requests.length, 0, 'nothing was sent to a cloud that refuses it');
    assert.equal(emulators.google.server.requests.length, 1, 'only the Gemini API was called');

    emulators.reset();
    const [gemini] = await run(ask(big, big, big), [deploymentsFor(emulators).gemini]);
    refusedBeforeSending(gemini, /^The request's 3 images come to 90 MB; Gemini API takes at most 75 MB of images in one request — send fewer or smaller images\./);
    assert.equal(requestCount(), 0);
  });

  it('a type a cloud does not take: BMP nowhere; HEIC on Gemini only', async () => {
    const bmp = byId(await run(ask(imagePart(tinyBmp(), 'image/bmp', 'chart.bmp'))));
    for (const result of Object.values(bmp)) refusedBeforeSending(result, /^image 1 \(chart\.bmp\) is BMP, which .+ does not take \(it takes PNG, JPEG, .+\) — convert it to one of those\./);
    assert.match(bmp['bedrock-haiku']!.error!.message, /Amazon Bedrock does not take \(it takes PNG, JPEG, GIF, WebP\)/);
    assert.equal(requestCount(), 0);

    emulators.reset();
    const heic = byId(await run(ask(imagePart(heicStart(), 'image/heic', 'IMG_0001.HEIC'))));
    for (const id of ['openai-mini', 'local-llama', 'azure-gpt4o', 'vertex-gpt-oss', 'bedrock-haiku']) refusedBeforeSending(heic[id], /^image 1 \(IMG_0001\.HEIC\) is HEIC, which .+ does not take/);
    othersAnswered(Object.values(heic), ['openai-mini', 'local-llama', 'azure-gpt4o', 'vertex-gpt-oss', 'bedrock-haiku'], 1);
    assert.equal(bodies(emulators.google)[0].contents[0].parts[1].inlineData.mimeType, 'image/heic');
  });

  it('21 images: Bedrock takes 20, so only its column fails; the others see all 21', async () => {
    const images = Array.from({ length: 21 }, () => imagePart(PNG, 'image/png'));
    const results = byId(await run(ask(...images)));
    refusedBeforeSending(results['bedrock-haiku'], /^The request holds 21 images; Amazon Bedrock takes at most 20 in one request — send fewer\./);
    othersAnswered(Object.values(results), ['bedrock-haiku'], 21);
    assert.equal(emulators.bedrock.server.requests.length, 0);
  });

  it('a corrupt PNG, and a JPEG marked PNG: named in every column, nothing sent', async () => {
    const corrupt = byId(await run(ask(imagePart(PNG, 'image/png'), imagePart(Buffer.from('this is not a PNG, just text'), 'image/png', 'broken.png'))));
    for (const result of Object.values(corrupt)) refusedBeforeSending(result, /^image 2 \(broken\.png\) is marked image\/png, but its bytes are not a PNG \(a corrupt or truncated file\?\) — check the file\./);
    const mislabelled = byId(await run(ask(imagePart(tinyJpeg(), 'image/png', 'photo.png'))));
    for (const result of Object.values(mislabelled)) refusedBeforeSending(result, /^image 1 \(photo\.png\) is marked image\/png, but its bytes are JPEG — give its media type as image\/jpeg\./);
    assert.equal(requestCount(), 0);
  });

  it('the emulators refuse images as their clouds do, when a request gets past Fanout\'s check', async () => {
    const d = deploymentsFor(emulators);
    const openai = errorOf(await collect(d.openai, { request: ask(imagePart(tinyBmp(), 'image/bmp')) }));
    assert.equal(openai.kind, 'bad_request');
    assert.match(openai.message, /unsupported image/);
    const garbled = errorOf(await collect(d.openai, { request: ask({ type: 'image', mediaType: 'image/png', data: 'not base64!' }) }));
    assert.match(garbled.message, /Invalid image/);
    const gemini = errorOf(await collect(d.gemini, { request: ask(imagePart(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), 'image/gif')) }));
    assert.equal(gemini.kind, 'bad_request');
    assert.match(gemini.message, /Unsupported MIME type: image\/gif/);
    assert.match(bedrockImages([{ role: 'user', content: [{ image: { format: 'bmp', source: { bytes: 'Qk0=' } } }] }]).problem ?? '', /Value 'bmp' at 'messages\.1\.member\.content\.1\.member\.image\.format' failed to satisfy constraint/);
    assert.match(bedrockImages([{ role: 'user', content: [{ image: { format: 'png', source: {} } }] }]).problem ?? '', /source\.bytes/);
  });
});
