import { describe, expect, it } from 'vitest';
import { commandNamed } from '../../src/cli/program.js';

describe('which command a command line names (only that one is loaded)', () => {
  it.each([
    [['runs', 'list'], 'runs'],
    [['--config', 'runs', 'schedules', 'list'], 'schedules'],
    [['--config=custsync.yaml', '--profile', 'prod', 'worker'], 'worker'],
    [['help', 'customers'], 'customers'],
    [['db', 'migrate', '--help'], 'db'],
  ])('%j names %s', (argv, name) => {
    expect(commandNamed(argv)).toBe(name);
  });

  it.each([[[]], [['--help']], [['help']], [['bogus', 'list']], [['--', 'runs']], [['--profile', 'prod']]])('%j names none: every command is loaded', (argv) => {
    expect(commandNamed(argv)).toBeUndefined();
  });
});
