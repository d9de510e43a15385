#!/usr/bin/env bash
# Makes this machine able to run the SFTP tests: OpenSSH's sshd (Debian's openssh-server)
# and an sftp-only account `custsync-sftp` that the tests log in as. The tests start their
# own sshd on a free 127.0.0.1 port with a generated host key and set the account's
# password for that run; no system sshd is started or configured here.
#
# Needs root, or sudo. Safe to run repeatedly. Prints the sshd path.
set -euo pipefail

SFTP_USER=custsync-sftp

log() { echo "ensure-sftp-server: $*" >&2; }

# shellcheck source=lib/as-root.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/as-root.sh"

if [[ ! -x /usr/sbin/sshd ]]; then
  log "installing openssh-server"
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server >&2
fi
if ! id -u "${SFTP_USER}" >/dev/null 2>&1; then
  log "creating the sftp-only account ${SFTP_USER}"
  as_root useradd --system --create-home --home-dir "/var/lib/${SFTP_USER}" --shell /usr/sbin/nologin "${SFTP_USER}"
fi
# sshd refuses to start without its privilege-separation directory.
as_root mkdir -p /run/sshd
echo /usr/sbin/sshd
