/** The AWS profiles a user has, read from the shared config and credentials files: names and kinds, never keys. */
export type ProfileKind = 'sso' | 'keys' | 'role' | 'process' | 'other';

export interface AwsProfile {
  name: string;
  kind: ProfileKind;
  region: string | null;
}

function sections(text: string, isConfig: boolean): Map<string, Record<string, string>> {
  const found = new Map<string, Record<string, string>>();
  let current: Record<string, string> | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (!line) continue;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      const title = header[1]!;
      const name = isConfig ? (title === 'default' ? 'default' : /^profile\s+(.+)$/.exec(title)?.[1]?.trim()) : title;
      current = name ? (found.get(name) ?? {}) : null; // [sso-session x], [services x] are not profiles
      if (name && current) found.set(name, current);
      continue;
    }
    const pair = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (pair && current) current[pair[1]!.toLowerCase()] = pair[2]!.trim();
  }
  return found;
}

export function parseAwsProfiles(configText: string, credentialsText: string): AwsProfile[] {
  const config = sections(configText, true);
  const credentials = sections(credentialsText, false);
  const names = [...new Set([...config.keys(), ...credentials.keys()])].sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
  return names.map((name) => {
    const values = { ...credentials.get(name), ...config.get(name) };
    const kind: ProfileKind = values.sso_session || values.sso_start_url ? 'sso'
      : values.credential_process ? 'process'
      : values.role_arn ? 'role'
      : values.aws_access_key_id ? 'keys' : 'other';
    return { name, kind, region: values.region ?? null };
  });
}
