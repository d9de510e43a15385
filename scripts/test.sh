#!/usr/bin/env bash
# The test suite on a fresh machine: PostgreSQL (installed from apt and started if
# missing), OpenSSH's sshd and an sftp-only account for the SFTP tests, chromium for the
# console's browser tests, Prometheus and promtool for the monitoring tests, the temporal
# CLI (into .tools/), npm packages from the lockfile, the source packages the tests run
# (scripts/source-packages.txt, kept in ~/.cache/custsync/sources), then
# `npm test` against a real PostgreSQL and a real Temporal dev server.
# Extra arguments go to vitest (e.g. a test file).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z "${DATABASE_URL:-}" ]]; then
  DATABASE_URL="$(scripts/ensure-postgres.sh)"
  export DATABASE_URL
fi
if [[ ! -x /usr/sbin/sshd ]] || ! id -u custsync-sftp >/dev/null 2>&1; then
  scripts/ensure-sftp-server.sh >/dev/null
fi
if [[ ! -x /usr/bin/chromium ]]; then
  scripts/ensure-chromium.sh >/dev/null
fi
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  scripts/ensure-prometheus.sh >/dev/null
fi
if [[ -z "${TEMPORAL_CLI:-}" ]] && ! command -v temporal >/dev/null 2>&1; then
  TEMPORAL_CLI="$(scripts/install-temporal-cli.sh)"
  export TEMPORAL_CLI
fi
if [[ ! -d node_modules/@temporalio/worker || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# Airbyte sources and Singer taps from PyPI, each in its own virtual environment (kept once installed).
scripts/install-source-packages.sh >/dev/null
exec npm test -- "$@"
