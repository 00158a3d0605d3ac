/** The playground's page: CSP default-src 'none', a fresh nonce on every page, only the built media. */
import * as assert from 'node:assert/strict';
import { playgroundHtml } from '../../src/vscode/playground/playgroundHtml';

describe('playground HTML', () => {
  const webview = { cspSource: 'https://webview.example', asWebviewUri: (uri: { path: string }) => ({ toString: () => `https://webview.example${uri.path}` }) };
  const join = (base: { path: string }, ...parts: string[]) => ({ path: [base.path, ...parts].join('/') });
  const render = () => playgroundHtml(webview as never, { path: '/ext/media' } as never, join as never);

  it('has a CSP of default-src \'none\', scripts only by nonce, and a fresh nonce each time', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const html = render();
      const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
      assert.match(csp, /^default-src 'none'; /);
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      assert.ok(nonce && nonce.length >= 16);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
      assert.match(html, new RegExp(`<script nonce="${nonce!.replace(/[+/=]/g, '\\$&')}" src="https://webview\\.example/ext/media/playground\\.js"></script>`));
      assert.equal((html.match(/<script/g) ?? []).length, 1);
      nonces.add(nonce!);
    }
    assert.equal(nonces.size, 50);
  });
});
