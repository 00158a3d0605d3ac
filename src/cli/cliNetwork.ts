/** The CLI's network settings: the proxy from HTTPS_PROXY / NO_PROXY, and --ca-file. A bad value is a usage error. */
import { checkProxyUrl, proxyFromEnv, readCaFile, type NetworkSettings } from '../core/engine/network';
import { UsageError } from './args';

export async function cliNetwork(env: Record<string, string | undefined>, caFile: string | undefined): Promise<NetworkSettings | undefined> {
  const fromEnv = proxyFromEnv(env);
  const settings: NetworkSettings = {};
  if (fromEnv.proxy) {
    const checked = checkProxyUrl(fromEnv.proxy, fromEnv.source!);
    if (!checked.ok) throw new UsageError(checked.message);
    settings.proxy = checked.proxy;
    settings.noProxy = fromEnv.noProxy;
  }
  if (caFile !== undefined) {
    const read = await readCaFile(caFile, '--ca-file');
    if (!read.ok) throw new UsageError(read.message);
    settings.extraCa = read.extraCa;
  }
  return settings.proxy || settings.extraCa ? settings : undefined;
}
