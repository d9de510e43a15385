#!/usr/bin/env bash
# Installs the source packages the tests run (scripts/source-packages.txt), each in a virtual
# environment of its own, through `custsync connectors install` (kept when the pinned version is
# installed), and downloads the wheels whose stream schemas the mapping presets are checked against.
# Both are kept outside the clone, so every clone and CI run on this machine reuses them:
# CUSTSYNC_TEST_SOURCES_DIR, default ~/.cache/custsync/sources (connectors/ and wheels/).
# Needs python3 with venv and the npm packages. Prints the folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi
sources="${CUSTSYNC_TEST_SOURCES_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/custsync/sources}"
export CUSTSYNC_CONNECTORS_DIR="${sources}/connectors"
# Those not installed at their pinned version (the manifest is written last), a few at a time.
grep -v -E '^\s*(#|$|schemas:)' scripts/source-packages.txt | while read -r spec; do
  name="${spec%%==*}"; version="${spec##*==}"
  manifest="${CUSTSYNC_CONNECTORS_DIR}/${name,,}/installed.json"
  if [[ ! -f "${manifest}" ]] || ! grep -q "\"version\": \"${version}\"" "${manifest}"; then echo "${spec}"; fi
done | xargs -r -P 3 -I '{}' node bin/custsync.js connectors install '{}' --json >/dev/null
# Wheels whose stream schemas the mapping presets are checked against: downloaded only.
wheels="${sources}/wheels"
mkdir -p "${wheels}"
sed -n -E 's/^schemas:\s*//p' scripts/source-packages.txt | while read -r spec; do
  name="${spec%%==*}"; version="${spec##*==}"
  if ! ls "${wheels}/${name//-/_}-${version}-"*.whl >/dev/null 2>&1; then
    python3 -m pip download --quiet --disable-pip-version-check --no-deps --dest "${wheels}" "${spec}"
  fi
done
echo "${sources}"
