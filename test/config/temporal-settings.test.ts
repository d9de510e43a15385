import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeTemporalSecurity, resolveTemporalSettings, TemporalSettingsError } from '../../src/config/temporal-settings.js';

const dir = mkdtempSync(join(tmpdir(), 'custsync-temporal-settings-'));
const pem = join(dir, 'ca.pem');
writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const toml = join(dir, 'temporal.toml');
writeFileSync(toml, ['[profile.default]', 'address = "default.example:7233"', '[profile.cloud]', 'address = "ns.acct.tmprl.cloud:7233"', 'namespace = "ns.acct"', 'api_key = "from-toml"', ''].join('\n'));
/** An environment with no Temporal's default config file in reach. */
const base = { HOME: dir, XDG_CONFIG_HOME: dir };

describe('where custsync connects to Temporal', () => {
  it('defaults to the local dev server, plaintext', () => {
    const s = resolveTemporalSettings({ env: base });
    expect(s).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'custsync', source: 'the default' });
    expect(s.tls).toBeUndefined();
    expect(describeTemporalSecurity(s)).toBe('plaintext');
  });

  it('takes the environment over a TOML profile, the profile over the config file, the config file over the defaults', () => {
    const section = { address: 'from-config:7233', namespace: 'config-ns', taskQueue: 'config-queue' };
    expect(resolveTemporalSettings({ env: base, section })).toMatchObject({ address: 'from-config:7233', namespace: 'config-ns', taskQueue: 'config-queue' });
    expect(resolveTemporalSettings({ env: { ...base, TEMPORAL_CONFIG_FILE: toml }, section })).toMatchObject({ address: 'default.example:7233', namespace: 'config-ns' });
    const cloud = resolveTemporalSettings({ env: { ...base, TEMPORAL_CONFIG_FILE: toml }, profile: 'cloud', section });
    expect(cloud).toMatchObject({ address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct', apiKey: 'from-toml', tls: true });
    expect(describeTemporalSecurity(cloud)).toBe('TLS, API key');
    const env = { ...base, TEMPORAL_CONFIG_FILE: toml, TEMPORAL_ADDRESS: 'env:7233', TEMPORAL_NAMESPACE: 'env-ns', CUSTSYNC_TASK_QUEUE: 'env-queue' };
    expect(resolveTemporalSettings({ env, profile: 'cloud', section })).toMatchObject({ address: 'env:7233', namespace: 'env-ns', taskQueue: 'env-queue', source: 'TEMPORAL_ADDRESS' });
  });

  it('turns TLS on for an API key and for TEMPORAL_TLS, and reads certificate files from the config section', () => {
    expect(resolveTemporalSettings({ env: { ...base, TEMPORAL_API_KEY: 'k' } }).tls).toBe(true);
    expect(resolveTemporalSettings({ env: { ...base, TEMPORAL_TLS: 'true' } }).tls).toMatchObject({});
    expect(resolveTemporalSettings({ env: { ...base, TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' } }).tls).toBe(false);
    const fromSection = resolveTemporalSettings({ env: { ...base, CUSTSYNC_TEMPORAL_KEY: 'sk' }, section: { apiKeyEnv: 'CUSTSYNC_TEMPORAL_KEY', tls: { serverCaCertFile: pem, serverName: 'frontend' } } });
    expect(fromSection.apiKey).toBe('sk');
    expect(fromSection.tls).toMatchObject({ serverNameOverride: 'frontend' });
    expect(Buffer.from((fromSection.tls as { serverRootCACertificate: Uint8Array }).serverRootCACertificate).toString()).toContain('BEGIN CERTIFICATE');
  });

  it('names the setting that cannot be used', () => {
    const refused = (options: Parameters<typeof resolveTemporalSettings>[0]) => {
      try {
        resolveTemporalSettings(options);
      } catch (error) {
        expect(error).toBeInstanceOf(TemporalSettingsError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused({ env: { ...base, TEMPORAL_CONFIG_FILE: join(dir, 'none.toml') } })).toBe(`TEMPORAL_CONFIG_FILE: no file ${join(dir, 'none.toml')}; create it (temporal config set …) or unset it`);
    expect(refused({ env: { ...base, TEMPORAL_CONFIG_FILE: toml }, profile: 'staging' })).toContain("profile staging): Profile 'staging' not found");
    expect(refused({ env: base, section: { apiKeyEnv: 'UNSET_KEY' } })).toContain('temporal.apiKeyEnv: environment variable UNSET_KEY is not set');
    expect(refused({ env: base, section: { tls: { serverCaCertFile: join(dir, 'none.pem') } } })).toContain('temporal.tls.serverCaCertFile: cannot read');
    expect(refused({ env: { ...base, TEMPORAL_TLS_CLIENT_CERT_PATH: pem } })).toContain('TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH go together');
  });
});
