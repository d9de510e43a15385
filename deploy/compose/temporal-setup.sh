#!/bin/sh
# One-shot setup of Temporal's PostgreSQL schemas (docker-compose.yml's temporal-schema service), run
# from temporalio/admin-tools before the server starts: creates the databases the first time and
# brings both schemas to the image's version every time (a newer server image migrates them).
set -eu

host="${POSTGRES_SEEDS:?set POSTGRES_SEEDS}"
port="${DB_PORT:-5432}"
user="${POSTGRES_USER:?set POSTGRES_USER}"
export SQL_PASSWORD="${POSTGRES_PWD:?set POSTGRES_PWD}"
schemas=/etc/temporal/schema/postgresql/v12

tries=0
until nc -z "$host" "$port"; do
  tries=$((tries + 1))
  [ "$tries" -le 120 ] || { echo "PostgreSQL at $host:$port did not answer in 2 minutes" >&2; exit 1; }
  sleep 1
done

for db in temporal temporal_visibility; do
  tool() { temporal-sql-tool --plugin postgres12 --ep "$host" -p "$port" -u "$user" --db "$db" "$@"; }
  tool create 2>/dev/null || echo "database $db exists"
  # Version 0.0 on an empty database; on a set-up one this only says the schema is there.
  tool setup-schema -v 0.0 2>/dev/null || echo "schema of $db exists"
  case "$db" in
    temporal) tool update-schema -d "$schemas/temporal/versioned" ;;
    *) tool update-schema -d "$schemas/visibility/versioned" ;;
  esac
done
echo "Temporal's schemas are up to date"
