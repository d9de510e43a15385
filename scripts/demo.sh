#!/usr/bin/env bash
# The demo on a fresh machine: installs npm packages and the temporal CLI if missing,
# then starts the Temporal dev server, the embedded database and a worker, and runs the
# example flow (see README). Extra arguments go to `custsync demo` (e.g. --exit, --keep).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v node >/dev/null 2>&1 || (($(node -p 'process.versions.node.split(".")[0]') < 20)); then
  echo "custsync needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
if [[ ! -d node_modules/@temporalio/worker || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "installing npm packages from the lockfile …"
  npm ci --no-audit --no-fund --loglevel=error
fi
if [[ -z "${TEMPORAL_CLI:-}" ]] && ! command -v temporal >/dev/null 2>&1; then
  echo "installing the temporal CLI into .tools/ …"
  TEMPORAL_CLI="$(scripts/install-temporal-cli.sh)"
  export TEMPORAL_CLI
fi
# The demo uses the embedded database; an exported DATABASE_URL is ignored here on purpose.
unset DATABASE_URL
exec node bin/custsync.js demo "$@"
