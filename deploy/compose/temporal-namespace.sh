#!/bin/sh
# One-shot: creates the namespace custsync runs in (docker-compose.yml's temporal-namespace service),
# once the server answers; does nothing when it exists.
set -eu
namespace="${TEMPORAL_NAMESPACE:-default}"
tries=0
until temporal operator cluster health >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -le 120 ] || { echo "Temporal at ${TEMPORAL_ADDRESS} did not answer in 2 minutes" >&2; exit 1; }
  sleep 1
done
if temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1; then
  echo "namespace $namespace exists"
else
  temporal operator namespace create --namespace "$namespace" --retention "${NAMESPACE_RETENTION:-7d}"
fi
