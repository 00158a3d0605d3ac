/**
 * Telemetry through a loopback OTLP receiver: the CLI's spans and metrics (http/json and http/protobuf) checked
 * against its own JSON results; no prompt text or key in any body while content is off; nothing at all (and no
 * OpenTelemetry code loaded) while telemetry is off; a collector that is down or never answers neither fails nor
 * holds a run past the export bound.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main';
import { telemetryFromEnv, telemetryFromSettings } from '../../src/core/telemetry/telemetryConfig';
import { KEYS, closedPort, deploymentsFor, startEmulators, type Emulators } from '../support/fixtures';
import { OtlpReceiver, type DecodedPoint, type DecodedSpan } from '../support/otlpReceiver';

const PROMPT_TEXT = 'Tell me the secret plan of the purple giraffe';

describe('telemetry (OTLP)', () => {
  let emulators: Emulators;
  let config: string;
  before(async () => {
    emulators = await startEmulators();
    const all = deploymentsFor(emulators);
    config = join(mkdtempSync(join(tmpdir(), 'fanout-otel-')), 'fanout.json');
    writeFileSync(config, JSON.stringify({ deployments: [all.openai, { ...all.bedrock, fallbacks: [all.openai.id] }] }));
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.reset());

  const keys = {
    OPENAI_API_KEY: KEYS.openai, AWS_ACCESS_KEY_ID: KEYS.aws.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.aws.secretAccessKey,
  };
  const run = async (env: Record<string, string>, extra: string[] = []) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['run', '--config', config, '--prompt', PROMPT_TEXT, '--system', 'Be brief.', '--format', 'json', ...extra], {
      stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: { ...keys, ...env }, readStdin: async () => '',
    });
    return { code, stderr, results: stdout ? JSON.parse(stdout).results as Array<Record<string, any>> : [] };
  };
  const loadedOtel = (): string[] => Object.keys(require.cache).filter((file) => /@opentelemetry|providers[\\/]telemetry[\\/]otlpSink/.test(file));

  it('while off: nothing is sent and no OpenTelemetry code is loaded', async () => {
    const receiver = await new OtlpReceiver().start();
    try {
      const { code } = await run({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_HEADERS: `x-team-key=${receiver.url}` });
      assert.equal(code, 0);
      assert.equal(receiver.exports.length, 0);
      assert.deepEqual(loadedOtel(), [], 'the OpenTelemetry chunk is loaded only once an endpoint is set');
    } finally {
      await receiver.stop();
    }
  });

  it('the bundles: OpenTelemetry only in its own chunk, never in the CLI, the extension or a chunk of the .vsix', () => {
    const meta = JSON.parse(readFileSync(resolve(__dirname, '../../../dist/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const holders = Object.entries(meta.outputs).filter(([, info]) => Object.keys(info.inputs).some((input) => input.includes('@opentelemetry/'))).map(([output]) => output);
    assert.deepEqual(holders.filter((output) => output.endsWith('.js')), ['dist/telemetry/otlp-sink.js']);
  });

  for (const protocol of ['http/json', 'http/protobuf'] as const) {
    it(`${protocol}: one span per call and the gen_ai.client metrics, matching the JSON results; no prompt or key in any body`, async () => {
      const receiver = await new OtlpReceiver().start();
      try {
        const { code, results } = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=team%20secret' });
        assert.equal(code, 0);
        assert.deepEqual(receiver.exports.map((item) => item.path).sort(), ['/v1/metrics', '/v1/traces']);
        for (const item of receiver.exports) {
          assert.ok(item.contentType.startsWith(protocol === 'http/json' ? 'application/json' : 'application/x-protobuf'), item.contentType);
          assert.equal(item.headers['x-collector-key'], 'team secret', 'the collector header comes from OTEL_EXPORTER_OTLP_HEADERS');
          const body = item.body.toString('latin1');
          for (const secret of [PROMPT_TEXT, 'purple giraffe', 'Be brief', KEYS.openai, KEYS.aws.secretAccessKey, ...results.map((result) => result.text as string)]) {
            assert.ok(!body.includes(secret), `${item.path} holds ${JSON.stringify(secret)}`);
          }
        }
        const spans = receiver.spans();
        assert.equal(spans.length, results.length, 'one span per call');
        for (const result of results) {
          const span = spans.find((candidate) => candidate.attributes['fanout.deployment'] === result.deployment) as DecodedSpan;
          assert.ok(span, result.deployment);
          assert.equal(span.name, `chat ${result.model}`);
          assert.equal(span.kind, protocol === 'http/json' ? 3 : 3, 'a CLIENT span');
          assert.ok(span.endNs >= span.startNs);
          const expected: Record<string, unknown> = {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': result.provider === 'bedrock' ? 'aws.bedrock' : 'openai',
            'gen_ai.request.model': result.model,
            'gen_ai.usage.input_tokens': result.metrics.inputTokens,
            'gen_ai.usage.output_tokens': result.metrics.outputTokens,
            'gen_ai.response.finish_reasons': [result.finishReason],
            'server.address': '127.0.0.1',
            'fanout.provider': result.provider,
            'fanout.status': 'ok',
            'fanout.ttft_ms': result.metrics.ttftMs,
            'gen_ai.request.temperature': undefined,
          };
          if (result.metrics.costUsd !== null) expected['fanout.cost_usd'] = result.metrics.costUsd;
          for (const [key, value] of Object.entries(expected)) assert.deepEqual(span.attributes[key], value, `${result.deployment}: ${key}`);
          assert.ok(typeof span.attributes['gen_ai.response.model'] === 'string');
          for (const key of ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions']) assert.equal(span.attributes[key], undefined, `${key} only with content on`);
        }
        const points = receiver.points();
        const pointOf = (metric: string, deployment: string, tokenType?: string): DecodedPoint | undefined =>
          points.find((point) => point.metric === metric && point.attributes['fanout.deployment'] === deployment && point.attributes['gen_ai.token.type'] === tokenType);
        for (const result of results) {
          const duration = pointOf('gen_ai.client.operation.duration', result.deployment)!;
          assert.equal(duration.unit, 's');
          assert.equal(duration.count, 1);
          assert.ok(Math.abs(duration.sum - result.metrics.totalMs / 1000) < 1e-9, `${duration.sum} s vs ${result.metrics.totalMs} ms`);
          assert.equal(duration.attributes['gen_ai.request.model'], result.model);
          assert.equal(pointOf('gen_ai.client.token.usage', result.deployment, 'input')?.sum, result.metrics.inputTokens);
          assert.equal(pointOf('gen_ai.client.token.usage', result.deployment, 'output')?.sum, result.metrics.outputTokens);
          assert.equal(pointOf('gen_ai.client.token.usage', result.deployment, 'output')?.unit, '{token}');
          if (result.metrics.costUsd !== null) assert.ok(Math.abs(pointOf('fanout.cost_usd', result.deployment)!.sum - result.metrics.costUsd) < 1e-12);
        }
      } finally {
        await receiver.stop();
      }
    });
  }

  it('a fallback: a span per call, the failed one marked, the answering one naming whom it stood in for', async () => {
    const receiver = await new OtlpReceiver().start();
    try {
      emulators.bedrock.behaviour.next({ error: { status: 503 } });
      const { results } = await run({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, ['--fallback', '--deployments', 'bedrock-haiku', '--retries', '0']);
      assert.equal(results[0]?.answeredBy, 'openai-mini');
      const spans = receiver.spans();
      assert.deepEqual(spans.map((span) => [span.attributes['fanout.deployment'], span.attributes['error.type'] ?? null, span.statusCode, span.attributes['fanout.fallback_of'] ?? null]),
        [['bedrock-haiku', 'server', 2, null], ['openai-mini', null, 0, 'bedrock-haiku']]);
      assert.deepEqual(receiver.exports.map((item) => item.path), ['/v1/traces'], 'no metrics endpoint was given');
    } finally {
      await receiver.stop();
    }
  });

  it('prompts and answers only when content is turned on', async () => {
    const receiver = await new OtlpReceiver().start();
    try {
      const { results } = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' }, ['--deployments', 'openai-mini']);
      const [span] = receiver.spans();
      assert.deepEqual(JSON.parse(String(span?.attributes['gen_ai.input.messages'])), [{ role: 'user', parts: [{ type: 'text', content: PROMPT_TEXT }] }]);
      assert.deepEqual(JSON.parse(String(span?.attributes['gen_ai.system_instructions'])), [{ type: 'text', content: 'Be brief.' }]);
      assert.equal(JSON.parse(String(span?.attributes['gen_ai.output.messages']))[0].parts[0].content, results[0]?.text);
    } finally {
      await receiver.stop();
    }
  });

  for (const collector of ['down', 'slow'] as const) {
    it(`a collector that is ${collector} neither fails the run nor holds it past the export bound`, async () => {
      const receiver = collector === 'slow' ? await new OtlpReceiver('slow').start() : null;
      try {
        const endpoint = receiver ? receiver.url : `http://127.0.0.1:${await closedPort()}`;
        const started = performance.now();
        const { code, results } = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '300' });
        const elapsed = performance.now() - started;
        assert.equal(code, 0);
        assert.deepEqual(results.map((result) => result.status), ['ok', 'ok']);
        // a liveness bound, not a measurement: the export bound is 300 ms; a hang would be the runner's 15 s
        assert.ok(elapsed < 5000, `${Math.round(elapsed)} ms`);
        if (receiver) assert.ok(receiver.exports.length >= 1, 'the slow collector was reached');
      } finally {
        await receiver?.stop();
      }
    });
  }

  describe('configuration', () => {
    it('reads the OTLP environment variables the way OpenTelemetry SDKs do', () => {
      assert.deepEqual(telemetryFromEnv({}), { ok: true, config: null });
      const choice = telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_EXPORTER_OTLP_HEADERS: 'api-key=a%2Cb, x-team = ml' });
      assert.ok(choice.ok && choice.config);
      assert.equal(choice.config.tracesUrl, 'http://collector:4318/v1/traces');
      assert.equal(choice.config.metricsUrl, 'http://collector:4318/v1/metrics');
      assert.equal(choice.config.protocol, 'http/protobuf', 'the OTLP default');
      assert.deepEqual(choice.config.headers, { 'api-key': 'a,b', 'x-team': 'ml' });
      assert.equal(choice.config.includeContent, false);
      const traces = telemetryFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://c.example/otlp/traces' });
      assert.ok(traces.ok && traces.config?.tracesUrl === 'https://c.example/otlp/traces' && traces.config.metricsUrl === null);
      assert.deepEqual(telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }), { ok: true, config: null });
    });

    it('names a wrong value and the fix; the CLI exits 2 and sends nothing', async () => {
      const grpc = telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
      assert.ok(!grpc.ok && /OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported — use http\/protobuf or http\/json/.test(grpc.problem));
      assert.ok(!telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }).ok);
      assert.ok(!telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }).ok);
      const { code, stderr } = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
      assert.equal(code, 2);
      assert.match(stderr, /^fanout: OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported/);
      assert.equal(emulators.openai.server.requests.length, 0);
    });

    it('the editor: the endpoint from settings, the headers from secret storage only', () => {
      assert.deepEqual(telemetryFromSettings({ endpoint: '', protocol: 'http/protobuf', includeContent: false }, 'k=v'), { ok: true, config: null });
      const choice = telemetryFromSettings({ endpoint: 'https://otel.example:4318', protocol: 'http/json', includeContent: true }, 'authorization=Bearer%20x');
      assert.ok(choice.ok && choice.config);
      assert.equal(choice.config.tracesUrl, 'https://otel.example:4318/v1/traces');
      assert.deepEqual(choice.config.headers, { authorization: 'Bearer x' });
      assert.equal(choice.config.includeContent, true);
    });
  });
});
