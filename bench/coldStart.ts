/**
 * Figure 3: from spawning a process to its first request arriving at the emulator — `fanout run` (one OpenAI
 * deployment), a bare node script sending the same request with `http.request` (the baseline), and one sending it
 * with the global `fetch` (what any fetch-based SDK, the official `openai` one included, starts from: Node loads its
 * fetch implementation on first use). The three alternate, so a busy moment hits them alike.
 * Alone: `node out/bench/coldStart.js [REPEATS]` (after `npm run build` and `tsc -p tsconfig.test.json`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BENCH_KEYS } from './keys';
import { startPeer, type Peer } from './peer';
import { figure, show, type Figure } from './stats';

export interface ColdStartFigures {
  cli: Figure;
  bareNode: Figure;
  bareFetch: Figure;
  /** Each repeat's CLI time ÷ the bare script's of the same repeat. */
  ratio: Figure;
  fetchRatio: Figure;
  loadAverage: number[];
}

export async function coldStart(peer: Peer, repeats: number): Promise<ColdStartFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-bench-'));
  const config = join(dir, 'one.json');
  writeFileSync(config, JSON.stringify({ deployments: [{ id: 'openai-1', provider: 'openai', model: 'gpt-4o-mini', baseUrl: `${peer.urls.openai}/v1` }] }));
  const url = JSON.stringify(`${peer.urls.openai}/v1/chat/completions`);
  const headers = `{ authorization: 'Bearer ${BENCH_KEYS.openai}', 'content-type': 'application/json' }`;
  const body = `JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true })`;
  const bare = join(dir, 'bare.js');
  writeFileSync(bare, `require('http').request(${url}, { method: 'POST', headers: ${headers} }, (r) => r.resume()).end(${body});`);
  const bareFetch = join(dir, 'bare-fetch.js');
  writeFileSync(bareFetch, `fetch(${url}, { method: 'POST', headers: ${headers}, body: ${body} }).then((r) => r.text());`);
  const timeOne = async (args: string[], env: Record<string, string>): Promise<number> => {
    peer.arrivals.length = 0;
    const started = performance.timeOrigin + performance.now();
    const child = spawn(process.execPath, args, { stdio: 'ignore', env: { ...process.env, ...env } });
    await new Promise((done) => child.on('exit', done));
    const first = peer.arrivals[0];
    if (!first) throw new Error(`no request arrived from ${args.join(' ')}`);
    return first.at - started;
  };
  const cli: number[] = [];
  const bareNode: number[] = [];
  const fetchOnly: number[] = [];
  const load = [loadavg()[0]!];
  // one start of each first, not counted: the disk cache (and V8's compile cache) as a person's second run finds it
  await timeOne([resolve('bin/fanout.js'), 'run', '--config', config, '--prompt', 'hi', '--format', 'json'], { OPENAI_API_KEY: BENCH_KEYS.openai });
  await timeOne([bare], {});
  await timeOne([bareFetch], {});
  for (let i = 0; i < repeats; i++) {
    cli.push(await timeOne([resolve('bin/fanout.js'), 'run', '--config', config, '--prompt', 'hi', '--format', 'json'], { OPENAI_API_KEY: BENCH_KEYS.openai }));
    bareNode.push(await timeOne([bare], {}));
    fetchOnly.push(await timeOne([bareFetch], {}));
  }
  load.push(loadavg()[0]!);
  return {
    cli: figure(cli), bareNode: figure(bareNode), bareFetch: figure(fetchOnly),
    ratio: figure(cli.map((ms, i) => ms / bareNode[i]!)), fetchRatio: figure(fetchOnly.map((ms, i) => ms / bareNode[i]!)),
    loadAverage: load.map((value) => Number(value.toFixed(2))),
  };
}

export function coldStartLine(cold: ColdStartFigures): string {
  return `cold start: fanout ${show(cold.cli, 1, ' ms')}, bare node ${show(cold.bareNode, 1, ' ms')}, bare fetch ${show(cold.bareFetch, 1, ' ms')}; fanout ÷ bare ${show(cold.ratio, 2)} (load ${cold.loadAverage.join(' → ')})`;
}

if (require.main === module) {
  void (async () => {
    const peer = await startPeer();
    try {
      await peer.setRules({ default: { tokens: 3 } });
      console.log(coldStartLine(await coldStart(peer, Number(process.argv[2] ?? 15))));
    } finally {
      await peer.stop();
    }
  })();
}
