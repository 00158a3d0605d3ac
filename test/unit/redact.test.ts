import * as assert from 'node:assert/strict';
import { Redactor } from '../../src/core/security/redact';

/** Shaped like a Google API key so the pattern is exercised, built here so no key-shaped literal sits in the source. */
const FAKE_GOOGLE_KEY = `AIza${'FAKE'.repeat(8)}`;

describe('redaction', () => {
  const redactor = new Redactor();
  redactor.remember('my-very-own-secret-value');
  const cases: Array<[string, RegExp]> = [
    ['token my-very-own-secret-value in the middle', /my-very-own/],
    ['Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl', /eyJ/],
    ['headers {"authorization":"Bearer abc.def.ghi","api-key":"0123456789abcdef0123"}', /abc\.def|0123456789abcdef/],
    [`x-goog-api-key: ${FAKE_GOOGLE_KEY}`, /AIzaFAKE/],
    ['x-amz-security-token=IQoJb3JpZ2luX2VjEJr', /IQoJ/],
    [`GET /v1beta/models?key=${FAKE_GOOGLE_KEY}`, /AIzaFAKE/],
    ['SigV4 ... Signature=0123456789abcdef0123456789abcdef', /0123456789abcdef0123/],
    ['key sk-proj-abcdefghijklmnopqrstuvwxyz012345 leaked', /sk-proj/],
    ['bedrock ABSKQmVkcm9ja0FQSUtleS1hYmNkZWZnaGlqa2xtbm9w', /ABSKQm/],
    ['google ya29.a0AfH6SMBexampleexampleexample', /ya29\.a0/],
  ];
  for (const [text, secret] of cases) {
    it(`masks ${text.slice(0, 40)}`, () => {
      const clean = redactor.redact(text);
      assert.doesNotMatch(clean, secret);
      assert.match(clean, /\[redacted\]/);
    });
  }
  it('leaves ordinary text alone', () => {
    assert.equal(redactor.redact('openai-mini: ok ttft=210ms total=900ms requestId=req_123'), 'openai-mini: ok ttft=210ms total=900ms requestId=req_123');
  });
});
