import { describe, expect, it } from 'vitest';
import { spreadsheetSafe } from '../../src/domain/spreadsheet-cell.js';
import { passwordFingerprint, sessionVerdict } from '../../src/operations/console-sessions.js';
import { safeNext } from '../../src/server/console/safe-next.js';
import { loggedUrl } from '../../src/server/request-ids.js';
import { queryInteger } from '../../src/server/schemas/query-integer.js';
import { nestingDepth } from '../../src/server/strict-json-parser.js';

describe('where signing in leads', () => {
  it('keeps a path of the console, percent-encoded, and sends anything else to /', () => {
    expect(safeNext('/runs?flow=erp#top')).toBe('/runs?flow=erp#top');
    expect(safeNext('/。evil')).toBe('/%E3%80%82evil');
    expect(safeNext('/runs\r\nSet-Cookie: x=1')).toBe('/runsSet-Cookie:%20x=1');
    for (const offSite of ['//evil.example', '/\t/evil.example/', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', ' //evil.example']) {
      expect(safeNext(offSite), JSON.stringify(offSite)).toBe('/');
    }
    expect(safeNext('http:evil.example'), 'a relative path in disguise, resolved on the console').toBe('/evil.example');
    expect(safeNext(undefined)).toBe('/');
    expect(safeNext(['/a', '/b'])).toBe('/');
  });
});

describe('how deeply a JSON body nests', () => {
  it('counts brackets outside strings only, without recursion', () => {
    expect(nestingDepth('{"a": [1, {"b": "[[[["}]}')).toBe(3);
    expect(nestingDepth('"\\"[[[["')).toBe(0);
    expect(nestingDepth('['.repeat(100_000))).toBe(100_000);
  });
});

describe('cells of a CSV file for a spreadsheet', () => {
  it('neutralizes what a spreadsheet would run as a formula, and nothing else', () => {
    for (const formula of ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(spreadsheetSafe(formula)).toBe(`'${formula}`);
    for (const plain of ['C1001', 'a=b', '', 'Acme | Boutique']) expect(spreadsheetSafe(plain)).toBe(plain);
  });
});

describe('whether a console session still signs in', () => {
  const limits = { sessionHours: 12, sessionIdleMinutes: 60 };
  const hash = 'scrypt$16384$8$1$c2FsdA==$a2V5';
  const at = (iso: string) => new Date(iso);
  const session = { userName: 'ana', passwordFingerprint: passwordFingerprint(hash), createdAt: at('2026-12-01T08:00:00Z'), lastSeenAt: at('2026-12-01T09:00:00Z') };
  it('is live while used within the idle time and the session length, with the same password', () => {
    expect(sessionVerdict(session, hash, limits, at('2026-12-01T09:59:00Z'))).toBe('live');
    expect(sessionVerdict(session, hash, limits, at('2026-12-01T10:01:00Z'))).toBe('idle');
    expect(sessionVerdict({ ...session, lastSeenAt: at('2026-12-01T19:59:00Z') }, hash, limits, at('2026-12-01T20:01:00Z'))).toBe('expired');
    expect(sessionVerdict(session, 'scrypt$16384$8$1$b3RoZXI=$a2V5', limits, at('2026-12-01T09:01:00Z'))).toBe('password-changed');
    expect(sessionVerdict(session, undefined, limits, at('2026-12-01T09:01:00Z'))).toBe('user-removed');
  });
});

describe('URLs in the server log', () => {
  it('keep the path and the names of query parameters, never their values', () => {
    expect(loggedUrl('/api/v1/customers?q=kari%40example.no&limit=5')).toBe('/api/v1/customers?q=…&limit=…');
    expect(loggedUrl('/api/v1/customers/crm/K1')).toBe('/api/v1/customers/crm/K1');
  });
});

describe('whole numbers in a query string', () => {
  it('reads digits, falls back when absent, and refuses an empty value instead of reading 0', () => {
    const rejected = queryInteger(0, 10_000, 50);
    expect(rejected.parse('7')).toBe(7);
    expect(rejected.parse(undefined)).toBe(50);
    for (const bad of ['', '-1', '1.5', 'x', '10001']) expect(rejected.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
