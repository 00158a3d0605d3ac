/**
 * A private certificate authority and a server certificate it signed, for 127.0.0.1 and localhost, made
 * with the system's openssl in a temporary folder: what a self-hosted endpoint or a TLS-inspecting
 * corporate proxy presents. Nothing here is a real key; it is made fresh for each test run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateCa {
  dir: string;
  /** The CA's certificate, PEM, and the file it is in. */
  caPem: string;
  caFile: string;
  /** The server's key and certificate (signed by the CA), for TlsIdentity. */
  key: string;
  cert: string;
  /** A second certificate, self-signed (no CA at all). */
  selfSigned: { key: string; cert: string };
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makePrivateCa(): PrivateCa {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-ca-'));
  const subject = (cn: string): string[] => ['-subj', `/CN=${cn}`];
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', ...subject('Fanout Test CA'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', ...subject('127.0.0.1')]);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext']);
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'self.key', '-out', 'self.pem', '-days', '2', ...subject('127.0.0.1'),
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost']);
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  return {
    dir,
    caPem: read('ca.pem'),
    caFile: join(dir, 'ca.pem'),
    key: read('server.key'),
    cert: read('server.pem'),
    selfSigned: { key: read('self.key'), cert: read('self.pem') },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
