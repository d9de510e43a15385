#!/usr/bin/env bash
# Installs Schemathesis (the OpenAPI fuzzer `npm run test:api-fuzz` runs against the customer
# API) into .tools/schemathesis-venv from PyPI, then prints the path of its command.
# Safe to run repeatedly: an existing installation is reused.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv_dir="${repo_root}/.tools/schemathesis-venv"
st_bin="${venv_dir}/bin/st"
version="${SCHEMATHESIS_VERSION:-4.32.5}"

if [[ ! -x "${st_bin}" ]] || ! "${st_bin}" --version 2>/dev/null | grep -q "${version}"; then
  mkdir -p "${repo_root}/.tools"
  if [[ ! -x "${venv_dir}/bin/pip" ]]; then
    rm -rf "${venv_dir}"
    if ! python3 -m venv "${venv_dir}" >&2; then
      echo "install-schemathesis: could not create a Python virtual environment at ${venv_dir}" >&2
      echo "install-schemathesis: on Debian/Ubuntu install it with: apt-get install -y python3-venv" >&2
      rm -rf "${venv_dir}"
      exit 1
    fi
  fi
  if ! "${venv_dir}/bin/pip" install --quiet --disable-pip-version-check "schemathesis==${version}" >&2; then
    echo "install-schemathesis: 'pip install schemathesis' failed; check access to PyPI" >&2
    exit 1
  fi
fi

echo "${st_bin}"
