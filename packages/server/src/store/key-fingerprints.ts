import { createHmac } from 'node:crypto';
import { ConfigError, type SecretKeyVersion } from '../config.ts';
import type { Store } from './store.ts';

// A constant under the key: proves which key an instance holds without storing it or anything it encrypts.
const FINGERPRINT_INPUT = 'tc-embed key fingerprint v1';

function fingerprint(key: Uint8Array): string {
  return createHmac('sha256', key).update(FINGERPRINT_INPUT).digest('hex');
}

/**
 * The first instance to use a database records its keys' fingerprints; every later one must hold the same keys.
 * Without it, instances sharing DATABASE_URL but no TC_MASTER_KEY / TC_SECRET_KEYS would each make their own keys
 * (in their data dir) and silently disagree: tokens minted on one refused by another, secrets unreadable.
 */
export async function checkKeyFingerprints(store: Store, keys: { masterKey: Uint8Array; secretKeys: readonly SecretKeyVersion[] }): Promise<void> {
  const expected = [
    { setting: 'master_key_fingerprint', value: fingerprint(keys.masterKey), name: 'TC_MASTER_KEY' },
    ...keys.secretKeys.map((entry) => ({
      setting: `secret_key_fingerprint:${entry.version}`,
      value: fingerprint(entry.key),
      name: `TC_SECRET_KEYS ${entry.version}`,
    })),
  ];
  const recorded = async () =>
    new Map(
      (await store.query<{ key: string; value: string }>(
        `select key, value from instance_settings where key = 'master_key_fingerprint' or key like 'secret_key_fingerprint:%'`,
      )).map((row) => [row.key, row.value]),
    );
  const refuseMismatch = (known: Map<string, string>) => {
    for (const { setting, value, name } of expected) {
      if (!known.has(setting) || known.get(setting) === value) continue;
      throw new ConfigError(
        `${name} is not the key this database was first started with (its fingerprint differs): every instance on one ` +
          'database must have the same TC_MASTER_KEY and TC_SECRET_KEYS; when they are unset each data dir makes its own.',
      );
    }
  };
  // Checked before recording anything: a refused instance must not record its other (wrong) keys.
  refuseMismatch(await recorded());
  for (const { setting, value } of expected) {
    await store.query('insert into instance_settings (key, value) values ($1, $2) on conflict (key) do nothing', [setting, value]);
  }
  // Concurrent first starts: one insert won; the others are compared with it.
  refuseMismatch(await recorded());
}
