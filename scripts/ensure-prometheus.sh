#!/usr/bin/env bash
# Makes this machine able to run the monitoring tests: Debian's prometheus package, whose
# prometheus scrapes a worker and serve on 127.0.0.1 with deploy/prometheus/alerts.yml loaded,
# and whose promtool checks and unit-tests those rules. Needs root, or sudo. Safe to run
# repeatedly; starts no service. Prints the prometheus path.
set -euo pipefail

log() { echo "ensure-prometheus: $*" >&2; }

# shellcheck source=lib/as-root.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/as-root.sh"

if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  log "installing prometheus (with promtool)"
  as_root apt-get update -qq >&2
  # policy-rc.d 101: the package's service is not started (the tests start their own).
  made_policy=false
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod +x /usr/sbin/policy-rc.d
    made_policy=true
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >&2
  if [[ "${made_policy}" == true ]]; then as_root rm -f /usr/sbin/policy-rc.d; fi
fi
prometheus --version 2>&1 | head -1 >&2
command -v prometheus
