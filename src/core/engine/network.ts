/**
 * How requests leave the machine: an HTTP proxy with its bypass list, and extra certificate authorities
 * to trust beside the system's. Read from VS Code's `http.*` settings in the editor and from
 * HTTPS_PROXY / NO_PROXY in the CLI; the SDK transports that apply it live in providers/network.ts.
 * TLS verification is never turned off: a private CA is added, nothing is skipped.
 */
import { readFile } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';

export interface NetworkSettings {
  /** `http://[user:pass@]host:port` (or https://). Undefined: connect directly. */
  proxy?: string;
  /** Value of the Proxy-Authorization header (VS Code's `http.proxyAuthorization`). */
  proxyAuthorization?: string;
  /** Hosts that bypass the proxy, NO_PROXY syntax: `*`, `example.com`, `.example.com`, `host:port`, `10.0.0.0/8`. */
  noProxy?: readonly string[];
  /** PEM text of certificate authorities trusted in addition to Node's own, and where it was read from. */
  extraCa?: { pem: string; file: string };
  /** Name resolution for direct connections; tests use it to fail a lookup without asking a real resolver. */
  lookup?: LookupFunction;
  /** A setting that could not be used (a proxy that is not a URL, a missing CA file): every request fails with it. */
  problem?: string;
}

/** True when no setting asks for anything but the SDKs' own transport. */
export function isDirectDefault(settings: NetworkSettings | undefined): boolean {
  return !settings || (!settings.proxy && !settings.extraCa && !settings.lookup && !settings.problem);
}

/** Parses NO_PROXY / `http.noProxy` text: commas or whitespace between entries. */
export function parseNoProxy(text: string | undefined): string[] {
  return (text ?? '').split(/[\s,]+/).map((entry) => entry.trim()).filter(Boolean);
}

function ipv4ToInt(address: string): number | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

function matchesEntry(host: string, port: string, entry: string): boolean {
  let pattern = entry.toLowerCase();
  if (pattern === '*') return true;
  // host:port or [v6]:port; a bare IPv6 address (two or more colons) has no port
  const bareIpv6 = !pattern.startsWith('[') && (pattern.match(/:/g) ?? []).length > 1;
  const portMatch = bareIpv6 ? null : /^(.*):(\d+)$/.exec(pattern);
  if (portMatch && !pattern.includes('/')) {
    if (portMatch[2] !== port) return false;
    pattern = portMatch[1]!;
  }
  pattern = pattern.replace(/^\[|\]$/g, '');
  const cidr = /^([\d.]+)\/(\d{1,2})$/.exec(pattern);
  if (cidr) {
    const base = ipv4ToInt(cidr[1]!);
    const address = ipv4ToInt(host);
    const bits = Number(cidr[2]);
    if (base === null || address === null || bits > 32) return false;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return ((base & mask) >>> 0) === ((address & mask) >>> 0);
  }
  if (pattern.startsWith('*.')) pattern = pattern.slice(1);
  if (pattern.startsWith('.')) return host.endsWith(pattern) || host === pattern.slice(1);
  return host === pattern || host.endsWith(`.${pattern}`);
}

/** The proxy to use for `target`, or null when there is none or the host is on the bypass list. */
export function proxyFor(target: string | URL, settings: NetworkSettings | undefined): string | null {
  if (!settings?.proxy) return null;
  const url = typeof target === 'string' ? new URL(target) : target;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return (settings.noProxy ?? []).some((entry) => matchesEntry(host, port, entry)) ? null : settings.proxy;
}

/** A proxy URL with any user:password removed, fit for messages and logs. */
export function describeProxy(proxy: string): string {
  try {
    const url = new URL(proxy);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'the configured proxy';
  }
}

/** Checks a proxy URL a person typed; the message names the setting. */
export function checkProxyUrl(text: string, setting: string): { ok: true; proxy: string } | { ok: false; message: string } {
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, message: `${setting} is not a URL ("${describeProxy(trimmed)}"). Write it as http://host:port.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `${setting} uses ${url.protocol.replace(':', '')}://, which Fanout cannot use. Use an http:// or https:// proxy.` };
  }
  if (!url.hostname) return { ok: false, message: `${setting} has no host. Write it as http://host:port.` };
  return { ok: true, proxy: withScheme };
}

/** The CLI's proxy, from the environment as curl reads it: HTTPS_PROXY, then HTTP_PROXY/ALL_PROXY; NO_PROXY. */
export function proxyFromEnv(env: NodeJS.ProcessEnv): { proxy?: string; noProxy: string[]; source?: string } {
  const names = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];
  const source = names.find((name) => env[name]?.trim());
  return {
    ...(source ? { proxy: env[source]!.trim(), source } : {}),
    noProxy: parseNoProxy(env.NO_PROXY ?? env.no_proxy),
  };
}

/** Checks that a file holds PEM certificates; the message names the setting and the file. */
export function checkCaPem(pem: string, file: string, setting: string): { ok: true } | { ok: false; message: string } {
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem)) {
    return { ok: false, message: `${setting}: ${file} holds no PEM certificate ("-----BEGIN CERTIFICATE-----"). Export the CA as PEM (Base-64), not DER.` };
  }
  return { ok: true };
}

/** Reads an extra CA file for `NetworkSettings.extraCa`; a missing or wrong file is a message, never a throw. */
export async function readCaFile(file: string, setting: string): Promise<{ ok: true; extraCa: { pem: string; file: string } } | { ok: false; message: string }> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? 'error'})`;
    return { ok: false, message: `${setting}: ${file} ${why}.` };
  }
  const checked = checkCaPem(pem, file, setting);
  return checked.ok ? { ok: true, extraCa: { pem, file } } : checked;
}
