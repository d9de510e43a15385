import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The console's folders read at run time (templates, stylesheet): not compiled, so every build copies them. */
const CONSOLE_FILE_FOLDERS = ['views', 'assets'];

/** Copies the console's run-time folders from the sources under `root` beside the compiled console under `dist`. */
export function copyConsoleFiles(root: string, dist: string): void {
  for (const folder of CONSOLE_FILE_FOLDERS) {
    cpSync(join(root, 'src/server/console', folder), join(dist, 'src/server/console', folder), { recursive: true });
  }
}

// Run by `npm run build` as dist/scripts/copy-console-files.js, two folders below the root.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  copyConsoleFiles(root, join(root, 'dist'));
}
