/** The playground's phase bar: set-up, waiting for the server, first token and streaming from `metrics.phases`. */
import * as assert from 'node:assert/strict';
import type { LatencyPhases } from '../../src/protocol';
import { phaseBarModel } from '../../src/webview/phaseBarModel';

const phases = (values: Partial<LatencyPhases>): LatencyPhases => ({ queueMs: 0, dnsMs: null, connectMs: null, tlsMs: null, headersMs: null, ttftMs: null, streamMs: null, ...values });

describe('phase bar model', () => {
  it('a cold connection: set-up is DNS + connect + TLS, apart from the server\'s time', () => {
    const model = phaseBarModel({ phases: phases({ queueMs: 0, dnsMs: 4, connectMs: 20, tlsMs: 56, headersMs: 280, ttftMs: 330, streamMs: 1170 }), connection: 'new' })!;
    assert.deepEqual(model.segments.map((segment) => [segment.key, segment.ms]), [['setup', 80], ['waiting', 200], ['first', 50], ['streaming', 1170]]);
    assert.equal(model.totalMs, 1500);
    assert.equal(model.setupMs, 80);
    assert.equal(model.serverMs, 1420);
    assert.equal(model.segments.reduce((sum, segment) => sum + segment.share, 0).toFixed(6), '1.000000');
    assert.equal(model.caption, 'set-up 80\u00a0ms (new) · server 1.42\u00a0s');
    assert.match(model.details[0]!, /^Set-up 80\u00a0ms: DNS 4\u00a0ms, connect 20\u00a0ms, TLS 56\u00a0ms — a new connection\. The network's and this machine's time, not the cloud's\.$/);
    assert.match(model.details[2]!, /ttft 330\u00a0ms from the request/);
  });

  it('a reused connection has no set-up segment; its spans read "—"', () => {
    const model = phaseBarModel({ phases: phases({ headersMs: 150, ttftMs: 190, streamMs: 600 }), connection: 'reused' })!;
    assert.deepEqual(model.segments.map((segment) => segment.key), ['waiting', 'first', 'streaming']);
    assert.equal(model.setupMs, 0);
    assert.match(model.caption, /^set-up 0\u00a0ms \(reused\) · server 790\u00a0ms$/);
    assert.match(model.details[0]!, /DNS —, connect —, TLS —/);
  });

  it('time queued before sending is said in the hover, not drawn', () => {
    const model = phaseBarModel({ phases: phases({ queueMs: 35, headersMs: 100, ttftMs: 100, streamMs: 10 }) })!;
    assert.deepEqual(model.segments.map((segment) => segment.key), ['waiting', 'streaming']);
    assert.equal(model.connection, null);
    assert.equal(model.details.at(-1), 'Queued 35\u00a0ms before sending (not in the bar).');
  });

  it('headers before the set-up ended or a ttft before the headers never make a negative segment', () => {
    const model = phaseBarModel({ phases: phases({ dnsMs: 10, connectMs: 10, tlsMs: 10, headersMs: 20, ttftMs: 15, streamMs: null }) })!;
    assert.deepEqual(model.segments.map((segment) => [segment.key, segment.ms]), [['setup', 30]]);
    assert.ok(model.segments.every((segment) => segment.ms >= 0));
  });

  it('no phases (an older result, the editor\'s own models): no bar', () => {
    assert.equal(phaseBarModel({}), null);
    assert.equal(phaseBarModel({ phases: phases({}) }), null);
  });
});
