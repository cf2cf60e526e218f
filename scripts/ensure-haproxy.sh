#!/usr/bin/env bash
# Make sure HAProxy is installed, for `make cluster` and `make test-cluster`.
# Installs Debian's package when it is missing (needs root, as on the
# project's machines). HAProxy is not started here: the cluster runs its own
# HAProxy with a configuration rendered from deploy/haproxy/.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "haproxy: need root to run: $*" >&2; return 1; fi
}

if ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then
  echo "haproxy: installing Debian's package"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
  # Debian starts its own HAProxy with /etc/haproxy/haproxy.cfg; the cluster
  # does not use it, so leave it stopped if the package started it.
  if command -v systemctl >/dev/null && systemctl is-active --quiet haproxy 2>/dev/null; then
    as_root systemctl stop haproxy || true
  fi
fi
echo "haproxy: $(/usr/sbin/haproxy -v | head -n 1)"
