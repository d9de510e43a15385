import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONNECTOR_MODULES } from '../../src/connectors/connector-registry.js';
import { MATCH_BY_NAMES } from '../../src/merge/match-by.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pages = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? pages(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
const DOCS = ['README.md', ...pages(join(ROOT, 'docs')).map((p) => p.slice(ROOT.length))];

describe('the README and docs/', () => {
  it('link only to pages and files that exist', () => {
    const broken: string[] = [];
    for (const page of DOCS) {
      const text = readFileSync(join(ROOT, page), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        if (!existsSync(resolve(dirname(join(ROOT, page)), target!))) broken.push(`${page} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('reach every docs page from the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const unlinked = DOCS.filter((p) => p.startsWith('docs/') && !readme.includes(`](${p})`));
    expect(unlinked).toEqual([]);
  });

  it('name every matcher and every connector type, each with a page', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const name of MATCH_BY_NAMES) expect(readme).toContain(`\`${name}\``);
    for (const module of CONNECTOR_MODULES) {
      expect(readme).toContain(`\`${module.type}\``);
      expect(existsSync(join(ROOT, 'docs', 'connectors', `${module.type}.md`))).toBe(true);
    }
  });
});
