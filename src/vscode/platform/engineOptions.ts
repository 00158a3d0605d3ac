/**
 * The engine's options as the settings give them: timeouts, retries, and the transport — VS Code's own
 * proxy settings (`http.proxy`, `http.noProxy`, `http.proxyAuthorization`, else HTTPS_PROXY / NO_PROXY as
 * VS Code itself falls back) and `fanout.network.extraCaFile`. A wrong proxy or CA file does not send
 * anything elsewhere: every column fails with the setting's name and the fix.
 */
import * as vscode from 'vscode';
import type { FanoutOptions } from '../../core/engine/fanout';
import { setting } from './settingReader';
import { checkProxyUrl, isDirectDefault, parseNoProxy, proxyFromEnv, readCaFile, type NetworkSettings } from '../../core/engine/network';

export type EngineOptions = Pick<FanoutOptions, 'timeoutMs' | 'idleTimeoutMs' | 'firstByteTimeoutMs' | 'retry' | 'transport'>;

export async function engineOptions(): Promise<EngineOptions> {
  const network = await networkSettings();
  return {
    timeoutMs: setting<number>('requestTimeoutMs'),
    idleTimeoutMs: setting<number>('idleTimeoutMs'),
    firstByteTimeoutMs: setting<number>('firstByteTimeoutMs'),
    retry: { maxRetries: setting<number>('retries') },
    transport: { http1: setting<boolean>('bedrock.useHttp1'), ...(network ? { network } : {}) },
  };
}

export async function networkSettings(env: NodeJS.ProcessEnv = process.env): Promise<NetworkSettings | undefined> {
  const http = vscode.workspace.getConfiguration('http');
  const settings: NetworkSettings = {};
  const problems: string[] = [];
  if (http.get<string>('proxySupport', 'override') !== 'off') {
    const configured = http.get<string>('proxy', '').trim();
    const fromEnv = proxyFromEnv(env);
    const text = configured || fromEnv.proxy;
    if (text) {
      const checked = checkProxyUrl(text, configured ? 'The setting "http.proxy"' : `The environment variable ${fromEnv.source}`);
      if (checked.ok) {
        settings.proxy = checked.proxy;
        const noProxy = http.get<unknown>('noProxy', []);
        settings.noProxy = [...(Array.isArray(noProxy) ? noProxy.filter((entry): entry is string => typeof entry === 'string') : []), ...fromEnv.noProxy];
        const authorization = http.get<string | null>('proxyAuthorization', null);
        if (typeof authorization === 'string' && authorization.trim()) settings.proxyAuthorization = authorization.trim();
      } else problems.push(checked.message);
    }
  }
  const caFile = vscode.workspace.getConfiguration('fanout').get<unknown>('network.extraCaFile', '');
  if (typeof caFile === 'string' && caFile.trim()) {
    const read = await readCaFile(expandHome(caFile.trim(), env), 'The setting "fanout.network.extraCaFile"');
    if (read.ok) settings.extraCa = read.extraCa;
    else problems.push(read.message);
  } else if (typeof caFile !== 'string' && caFile !== null && caFile !== undefined) {
    // a CA the user meant to trust but wrote wrongly: sending without it would fail or, worse, go elsewhere
    problems.push(`The setting "fanout.network.extraCaFile" is ${JSON.stringify(caFile)}, but it takes the path of a PEM file, as text.`);
  }
  if (problems.length) settings.problem = `${problems.join(' ')} Nothing was sent.`;
  return isDirectDefault(settings) ? undefined : settings;
}

function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  return path === '~' || path.startsWith('~/') ? `${env.HOME ?? ''}${path.slice(1)}` : path;
}
