import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the tests' source packages are kept, outside the clone so that every clone on this machine
 * (and every CI run) reuses them: `CUSTSYNC_TEST_SOURCES_DIR`, default `~/.cache/custsync/sources`
 * (scripts/install-source-packages.sh puts them there beforehand).
 */
export const TEST_SOURCES_DIR = process.env.CUSTSYNC_TEST_SOURCES_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'custsync', 'sources');
/** The installed packages, one virtual environment each: the tests' `CUSTSYNC_CONNECTORS_DIR`. */
export const TEST_CONNECTORS_DIR = join(TEST_SOURCES_DIR, 'connectors');
/** The downloaded wheels whose stream schemas the mapping presets are checked against. */
export const TEST_WHEELS_DIR = join(TEST_SOURCES_DIR, 'wheels');
