import { ConfigError, parseConfig } from '../../src/config/load-config.js';

/** The problems a config text has, as `config check` prints them; [] when it is valid. */
export function configProblems(text: string): string[] {
  try {
    parseConfig(text, 'custsync.config.yaml', '/configs');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
