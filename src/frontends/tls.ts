// TLS material for every listener: the configured certificate, or a self-signed one made on
// first start (kept in the data directory) so STARTTLS and implicit TLS work out of the box.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import type { Config } from './config.ts';
import { ConfigError } from './config.ts';

export type TlsMaterial = Readonly<{ key: string; cert: string; selfSigned: boolean; certPath: string }>;

export async function loadTls(config: Config, dataDir: string): Promise<TlsMaterial> {
  const { cert, key } = config.tls;
  if (cert || key) {
    if (!cert || !key) throw new ConfigError('tls: set both cert and key (POSTLOG_TLS_CERT and POSTLOG_TLS_KEY), or neither');
    try {
      return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8'), selfSigned: false, certPath: cert };
    } catch (error) {
      throw new ConfigError(`tls: cannot read certificate or key: ${(error as Error).message}`);
    }
  }
  const dir = join(dataDir, 'tls');
  const certPath = join(dir, 'self-signed.crt');
  const keyPath = join(dir, 'self-signed.key');
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), selfSigned: true, certPath };
  }
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: config.hostname }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 825 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'subjectAltName', altNames: [{ type: 2, value: config.hostname }, { type: 7, ip: '127.0.0.1' }] },
    ],
  } as Parameters<typeof generate>[1]);
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  return { cert: pems.cert, key: pems.private, selfSigned: true, certPath };
}
