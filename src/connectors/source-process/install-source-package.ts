import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../input-error.js';
import { installedPackage, MANIFEST, packageFolder, packageReference, type InstalledPackage } from './installed-packages.js';

/** Options for {@link installSourcePackage}. */
export interface InstallOptions {
  /** Where packages are installed (see `connectorsFolder`). */
  folder: string;
  /** The Python that makes the virtual environment; default `python3`. */
  python?: string;
  /** Called with each line pip and venv write (progress). */
  onOutput?: (line: string) => void;
  /** Install again even when this version is installed already; default false. */
  force?: boolean;
}

/** The name and version of `name==version`, or an InputError saying how to write it. */
export function parsePinnedPackage(spec: string): { name: string; version: string } {
  const reference = packageReference(spec);
  if (reference?.version === undefined) throw new InputError(`"${spec}" is not a pinned package: write it as <name>==<version>, e.g. airbyte-source-faker==7.2.1`);
  return { name: reference.name, version: reference.version };
}

/**
 * Installs a source package from the package index into a virtual environment of its own
 * (`<folder>/<name>/venv`) and writes its manifest (version, commands) last, so a package whose
 * install was cut off counts as not installed and is installed again from scratch. A version
 * installed already is kept unless `force`.
 */
export async function installSourcePackage(spec: string, options: InstallOptions): Promise<{ installed: InstalledPackage; already: boolean }> {
  const { name, version } = parsePinnedPackage(spec);
  const existing = installedPackage(options.folder, name);
  if (existing && existing.version === version && !options.force && existing.executables.every((e) => existsSync(e))) {
    return { installed: existing, already: true };
  }
  const home = packageFolder(options.folder, name);
  await rm(home, { recursive: true, force: true });
  await mkdir(home, { recursive: true });
  const venv = join(home, 'venv');
  const python = options.python ?? 'python3';
  await run(python, ['-m', 'venv', venv], `making a virtual environment with ${python}`, options.onOutput);
  const venvPython = join(venv, 'bin', 'python');
  await run(venvPython, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', `${name}==${version}`], `pip install ${name}==${version}`, options.onOutput);
  const listed = await run(
    venvPython,
    ['-c', 'import importlib.metadata as m, json, sys; print(json.dumps(sorted(e.name for e in m.distribution(sys.argv[1]).entry_points if e.group == "console_scripts")))', name],
    `listing the commands of ${name}`,
  );
  const scripts = JSON.parse(listed.trim().split('\n').pop() ?? '[]') as string[];
  if (scripts.length === 0) throw new InputError(`${name}==${version} provides no command (console script): it is not a runnable source`);
  const installed: InstalledPackage = { package: name, version, executables: scripts.map((s) => join(venv, 'bin', s)), installedAt: new Date().toISOString() };
  await writeFile(join(home, MANIFEST), `${JSON.stringify(installed, null, 2)}\n`);
  return { installed, already: false };
}

/** Runs a command to its end; its stdout, or an InputError with its last lines of output. */
function run(command: string, args: readonly string[], what: string, onOutput?: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PIP_NO_INPUT: '1' } });
    let stdout = '';
    const tail: string[] = [];
    const keep = (chunk: Buffer, toStdout: boolean) => {
      const text = chunk.toString('utf8');
      if (toStdout) stdout += text;
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > 15) tail.shift();
        onOutput?.(line);
      }
    };
    child.stdout.on('data', (c: Buffer) => keep(c, true));
    child.stderr.on('data', (c: Buffer) => keep(c, false));
    child.once('error', (error) => reject(new InputError(`${what}: cannot run ${command}: ${error.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new InputError(`${what} failed (exit code ${String(code)}):\n${tail.join('\n')}`));
    });
  });
}
