#!/usr/bin/env bash
# Makes this machine able to run the console's browser tests: Debian's chromium (apt),
# which playwright-core drives headless (playwright's own browser download needs the
# internet). Needs root, or sudo. Safe to run repeatedly. Prints the chromium path.
set -euo pipefail

log() { echo "ensure-chromium: $*" >&2; }

# shellcheck source=lib/as-root.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/as-root.sh"

if [[ ! -x /usr/bin/chromium ]]; then
  log "installing chromium"
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
fi
/usr/bin/chromium --version >&2
echo /usr/bin/chromium
