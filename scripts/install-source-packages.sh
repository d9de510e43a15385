#!/usr/bin/env bash
# Installs the source packages the tests run (scripts/source-packages.txt) into .tools/connectors,
# each in a virtual environment of its own, through `custsync connectors install` (kept when the
# pinned version is installed; pip's cache makes a reinstall quick), and downloads the wheels whose
# stream schemas the mapping presets are checked against into .tools/source-wheels. Needs python3
# with venv and the npm packages. Prints the connectors folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi
export CUSTSYNC_CONNECTORS_DIR="${CUSTSYNC_CONNECTORS_DIR:-$PWD/.tools/connectors}"
grep -v -E '^\s*(#|$|schemas:)' scripts/source-packages.txt | while read -r spec; do
  node bin/custsync.js connectors install "${spec}" --json >/dev/null
done
# Wheels whose stream schemas the mapping presets are checked against: downloaded only.
wheels="$(dirname "${CUSTSYNC_CONNECTORS_DIR}")/source-wheels"
mkdir -p "${wheels}"
sed -n -E 's/^schemas:\s*//p' scripts/source-packages.txt | while read -r spec; do
  name="${spec%%==*}"; version="${spec##*==}"
  if ! ls "${wheels}/${name//-/_}-${version}-"*.whl >/dev/null 2>&1; then
    python3 -m pip download --quiet --disable-pip-version-check --no-deps --dest "${wheels}" "${spec}"
  fi
done
echo "${CUSTSYNC_CONNECTORS_DIR}"
