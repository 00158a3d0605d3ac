/**
 * Figure 4, inside a real extension host (run by scripts/test-vscode.mjs with FANOUT_VSCODE_TESTS pointing here):
 * activation time, and the extension host's heap before and after 200 playground runs on 4 emulated deployments.
 * Writes JSON to FANOUT_BENCH_OUT.
 */
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import type { FanoutApi } from '../../src/extension';

const RUNS = Number(process.env.FANOUT_BENCH_RUNS ?? 200);

function collectGarbage(): () => void {
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
}

async function settledHeap(gc: () => void): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return process.memoryUsage().heapUsed;
}

export async function run(): Promise<void> {
  const out = process.env.FANOUT_BENCH_OUT;
  const extension = vscode.extensions.getExtension<FanoutApi>('fanout.fanout')!;
  const api = await extension.activate();
  const { OpenAIEmulator } = await import('../../test/emulators/openai');
  const emulator = await new OpenAIEmulator({ rules: { default: { tokens: 40 } } }).start();
  const ids = ['a', 'b', 'c', 'd'];
  await vscode.workspace.getConfiguration().update('fanout.deployments', ids.map((id) => ({ id, provider: 'openai-compatible', model: `model-${id}`, baseUrl: `${emulator.url}/v1` })), vscode.ConfigurationTarget.Global);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await vscode.commands.executeCommand('fanout.openPlayground');
  const panel = api.playground.current!;
  await panel.whenReady;
  const request = { type: 'run' as const, system: '', prompt: 'Hello {{who}}', variables: { who: 'clouds' }, params: {}, deploymentIds: ids, repeat: 1 };
  const gc = collectGarbage();
  for (let i = 0; i < 20; i++) await panel.run(request, ids, false);
  const before = await settledHeap(gc);
  const started = performance.now();
  for (let i = 0; i < RUNS; i++) await panel.run(request, ids, false);
  const seconds = (performance.now() - started) / 1000;
  const after = await settledHeap(gc);
  const result = {
    activationMs: api.activationMs,
    sinceLoadMs: api.sinceLoadMs,
    runs: RUNS,
    seconds,
    heapBeforeMB: before / 2 ** 20,
    heapAfterMB: after / 2 ** 20,
    heapGrowthMB: (after - before) / 2 ** 20,
  };
  console.log(`bench: ${JSON.stringify(result)}`);
  if (out) writeFileSync(out, JSON.stringify(result, null, 2));
  await vscode.workspace.getConfiguration().update('fanout.deployments', undefined, vscode.ConfigurationTarget.Global);
  await emulator.stop();
}
