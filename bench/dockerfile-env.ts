import { readFileSync } from 'node:fs';

/** Variables of the image's environment that shape how its Node.js process uses memory. */
const PROCESS_VARIABLES = ['NODE_OPTIONS', 'MALLOC_ARENA_MAX'] as const;

/**
 * The memory-shaping environment (`NODE_OPTIONS`, `MALLOC_ARENA_MAX`) the Dockerfile's last
 * stage sets with `ENV`, so the benchmark runs the compiled worker as the image does.
 * Reads `ENV a=b c="d e"` instructions, continued over lines ending in a backslash.
 */
export function dockerfileProcessEnv(dockerfile: string): Record<string, string> {
  const text = readFileSync(dockerfile, 'utf8').replace(/\\\r?\n/g, ' ');
  const lastStage = text.slice(text.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const line of lastStage.split('\n')) {
    const instruction = /^\s*ENV\s+(.*)$/i.exec(line);
    if (!instruction) continue;
    for (const pair of instruction[1]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
      const [, name, raw] = pair;
      if ((PROCESS_VARIABLES as readonly string[]).includes(name!)) env[name!] = raw!.startsWith('"') ? raw!.slice(1, -1).replace(/\\(.)/g, '$1') : raw!;
    }
  }
  return env;
}
