#!/usr/bin/env bash
# Makes a local PostgreSQL (Debian/Ubuntu packaging) ready for the custsync test suite and prints
# the DATABASE_URL to use:
#
#   export DATABASE_URL="$(scripts/ensure-postgres.sh)"
#
# - installs the `postgresql` package with apt-get when pg_ctlcluster is missing;
# - starts the first cluster listed by pg_lsclusters (creating one if none exists);
# - creates, or updates, the role custsync (password custsync, CREATEDB) and the database
#   custsync_test owned by it; the role is granted pg_signal_backend so test teardowns can
#   `drop database … with (force)` even while an autovacuum worker is busy on it.
#
# Needs root, or sudo for the commands that do. Everything except the URL goes to stderr.
# Safe to run repeatedly.
set -euo pipefail

DB_USER=custsync
DB_PASSWORD=custsync
DB_NAME=custsync_test

log() { echo "ensure-postgres: $*" >&2; }

# shellcheck source=lib/as-root.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/as-root.sh"

as_postgres() {
  if [[ ${EUID} -ne 0 ]]; then
    (cd / && sudo -u postgres "$@")
  elif command -v runuser >/dev/null 2>&1; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && su postgres -s /bin/sh -c "$(printf '%q ' "$@")")
  fi
}

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    log "pg_ctlcluster not found and apt-get is unavailable; install PostgreSQL and set DATABASE_URL yourself"
    exit 1
  fi
  log "installing PostgreSQL with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
fi

cluster="$(pg_lsclusters --no-header 2>/dev/null | awk 'NF >= 4 { print $1, $2, $3, $4; exit }')"
if [[ -z "${cluster}" ]]; then
  version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  if [[ -z "${version}" ]]; then
    log "no PostgreSQL server version found under /usr/lib/postgresql"
    exit 1
  fi
  log "creating cluster ${version}/main"
  as_root pg_createcluster "${version}" main >&2
  cluster="$(pg_lsclusters --no-header | awk 'NF >= 4 { print $1, $2, $3, $4; exit }')"
fi
read -r pg_version pg_cluster pg_port pg_status <<<"${cluster}"

if [[ "${pg_status}" != online* ]]; then
  log "starting cluster ${pg_version}/${pg_cluster} on port ${pg_port}"
  as_root pg_ctlcluster "${pg_version}" "${pg_cluster}" start >&2
fi

pg_isready_bin="/usr/lib/postgresql/${pg_version}/bin/pg_isready"
[[ -x "${pg_isready_bin}" ]] || pg_isready_bin="pg_isready"
for _ in $(seq 1 60); do
  if "${pg_isready_bin}" -q -h 127.0.0.1 -p "${pg_port}"; then
    break
  fi
  sleep 0.5
done
if ! "${pg_isready_bin}" -q -h 127.0.0.1 -p "${pg_port}"; then
  log "PostgreSQL ${pg_version}/${pg_cluster} is not accepting TCP connections on 127.0.0.1:${pg_port}"
  exit 1
fi

as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "${pg_port}" -d postgres >&2 <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${DB_USER}') THEN
    CREATE ROLE ${DB_USER} LOGIN CREATEDB PASSWORD '${DB_PASSWORD}';
  ELSE
    ALTER ROLE ${DB_USER} LOGIN CREATEDB PASSWORD '${DB_PASSWORD}';
  END IF;
END
\$\$;
GRANT pg_signal_backend TO ${DB_USER};
SELECT 'CREATE DATABASE ${DB_NAME} OWNER ${DB_USER}'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${DB_NAME}')
\gexec
SQL

echo "postgres://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${pg_port}/${DB_NAME}"
