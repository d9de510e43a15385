import { describe, expect, it } from 'vitest';
import { configProblems } from '../support/config-problems.js';
import { hashPassword, verifyPassword } from '../../src/server/console/password-hash.js';

const FLOWS = `
connectors:
  crm: { type: jsonl-file, path: crm.jsonl }
flows:
  crm: { source: { type: connector, connector: crm, aspects: [name] }, schedule: false }
`;

describe('the console and notification settings', () => {
  it('refuse plaintext passwords, unknown roles and events sent to undefined targets, each with its path', () => {
    expect(
      configProblems(`${FLOWS}
console:
  users:
    ana: { role: reviewer, passwordHash: hunter2 }
    bob: { role: boss }
  publicUrl: "ftp://console"
notifications:
  targets:
    oncall: { type: slack, urlEnv: ONCALL_URL }
    pager: { type: sms, urlEnv: PAGER_URL }
  events:
    run-failed: [oncall, mail]
    lunch-ready: [oncall]
`),
    ).toEqual([
      expect.stringMatching(/^console\.users\.ana\.passwordHash: an scrypt hash as `custsync console hash-password` prints it/),
      expect.stringMatching(/^console\.users\.bob\.role: /),
      expect.stringMatching(/^console\.publicUrl: /),
      expect.stringMatching(/^notifications\.targets\.pager\.type: /),
      'notifications.events: Unrecognized key: "lunch-ready"',
      'notifications.events.run-failed.1: unknown notification target "mail"; defined: oncall, pager',
    ]);
  });

  it('hash passwords with scrypt and a salt, and check them in constant time', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse battery ', a)).toBe(false);
    expect(await verifyPassword('correct horse battery', 'scrypt$garbage')).toBe(false);
    expect(configProblems(`${FLOWS}\nconsole: { users: { ana: { role: reviewer, passwordHash: "${a}" } } }\n`)).toEqual([]);
  });
});
