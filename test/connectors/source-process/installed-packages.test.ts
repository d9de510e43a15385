import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { reachabilityProblems } from '../../../src/config/reachability-problems.js';
import { packageReference, sourceExecutable } from '../../../src/connectors/source-process/installed-packages.js';
import { configuredPackages, installConfiguredPackages } from '../../../src/operations/connector-packages/connector-packages.js';

/** A connectors folder holding one installed package (its manifest; the command is a file that exists). */
function folderWith(name: string, version: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'custsync-packages-'));
  const bin = join(folder, name, 'venv', 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, name), '#!/bin/sh\n', { mode: 0o755 });
  writeFileSync(join(folder, name, 'installed.json'), JSON.stringify({ package: name, version, executables: [join(bin, name)], installedAt: '2026-12-06T00:00:00.000Z' }));
  return folder;
}

const configWith = (pkg: string, extra = '') =>
  parseConfig(
    `connectors:
  loyalty: { type: singer-tap, package: "${pkg}", stream: members, mapping: { externalId: id } }
${extra}flows:
  loyalty: { source: { type: current }, enrichments: [{ connector: loyalty, aspects: [customerAttributes] }] }
`,
    '/configs/custsync.config.yaml',
    '/configs',
  );

describe('source packages as connectors name them', () => {
  it('reads a name or a pinned name==version, and nothing else', () => {
    expect(packageReference('tap-jsonl')).toEqual({ name: 'tap-jsonl' });
    expect(packageReference('tap-jsonl==0.3.1')).toEqual({ name: 'tap-jsonl', version: '0.3.1' });
    expect(packageReference('tap-jsonl>=0.3')).toBeUndefined();
    expect(() => configWith('tap-jsonl>=0.3')).toThrow(/package: a package name, or <name>==<version> to pin it/);
  });

  it('runs the pinned version only, and says how to install what is missing', () => {
    const env = { CUSTSYNC_CONNECTORS_DIR: folderWith('tap-jsonl', '0.3.1') };
    expect(sourceExecutable('loyalty', { package: 'tap-jsonl==0.3.1' }, env)).toMatch(/tap-jsonl\/venv\/bin\/tap-jsonl$/);
    expect(sourceExecutable('loyalty', { package: 'tap-jsonl' }, env)).toMatch(/tap-jsonl$/);
    expect(() => sourceExecutable('loyalty', { package: 'tap-jsonl==0.4.0' }, env)).toThrow(
      /package tap-jsonl is installed at 0.3.1 under .*, but the config pins 0.4.0; install that with: custsync connectors install tap-jsonl==0.4.0/,
    );
    expect(() => sourceExecutable('loyalty', { package: 'tap-csv==1.0.0' }, env)).toThrow(/package tap-csv is not installed under .*; install it with: custsync connectors install tap-csv==1.0.0/);
  });

  it('lets a worker start without a package: the problem is a warning, while config check counts it', async () => {
    const env = process.env.CUSTSYNC_CONNECTORS_DIR;
    process.env.CUSTSYNC_CONNECTORS_DIR = mkdtempSync(join(tmpdir(), 'custsync-no-packages-'));
    try {
      const atStart = await reachabilityProblems(configWith('tap-jsonl==0.3.1'), { network: false });
      expect(atStart).toEqual([{ path: 'connectors.loyalty.package', message: expect.stringContaining('package tap-jsonl is not installed') as string, warning: true }]);
      const checked = await reachabilityProblems(configWith('tap-jsonl==0.3.1'), { network: true });
      expect(checked).toHaveLength(1);
      expect(checked[0]!.warning).toBeUndefined();
    } finally {
      if (env === undefined) delete process.env.CUSTSYNC_CONNECTORS_DIR;
      else process.env.CUSTSYNC_CONNECTORS_DIR = env;
    }
  });

  it('installs what the config pins and is not installed; refuses, installing nothing, while one is neither pinned nor installed', async () => {
    const env = { CUSTSYNC_CONNECTORS_DIR: folderWith('tap-jsonl', '0.3.1') };
    const pinned = configWith('tap-jsonl==0.3.1');
    expect(configuredPackages(pinned, env)).toEqual([{ connector: 'loyalty', name: 'tap-jsonl', version: '0.3.1', installed: '0.3.1' }]);
    expect(await installConfiguredPackages(pinned, { env })).toMatchObject({ installed: [], already: [{ name: 'tap-jsonl' }] });
    const unpinned = configWith('tap-jsonl==0.3.1', '  crm: { type: singer-tap, package: tap-csv, stream: crm, mapping: { externalId: id } }\n');
    await expect(installConfiguredPackages(unpinned, { env })).rejects.toThrow(/not installed and not pinned in the config: tap-csv \(connector crm\)/);
  });
});
