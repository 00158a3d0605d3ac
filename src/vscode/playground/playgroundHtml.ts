/** The playground's HTML shell: a CSP of default-src 'none' with a fresh nonce per page, and only the built media. */
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

export function playgroundHtml(webview: vscode.Webview, media: vscode.Uri, joinPath: (base: vscode.Uri, ...parts: string[]) => vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(joinPath(media, 'playground.js'));
  const style = webview.asWebviewUri(joinPath(media, 'playground.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    // images only from the webview's own resources (the built media, the stored images): no data: or remote URLs
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}" nonce="${nonce}">
<title>Fanout Playground</title>
</head>
<body>
<div id="app" role="application" aria-label="Fanout Playground"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
