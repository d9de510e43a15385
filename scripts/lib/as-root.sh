# Sourced by the setup scripts: `as_root <command…>` runs a command as root, through sudo
# when not root already. Expects a `log` function.
as_root() {
  if [[ ${EUID} -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    log "needs root (or sudo) to run: $*"
    exit 1
  fi
}
