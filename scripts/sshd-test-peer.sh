#!/usr/bin/env bash
# The real OpenSSH peer of the SSH certificate tests: installs Debian's
# openssh-server (and openssh-client) when /usr/sbin/sshd is absent. The
# tests start their own sshd on a loopback port with a temporary host key
# and soberana's machine files (internal/sshca/sshdtest); no system sshd
# needs to run, and the package's own service is not started here.
set -euo pipefail
if [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1; then
  echo "openssh-server present: $(/usr/sbin/sshd -V 2>&1 | head -1 || true)"
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends openssh-server openssh-client
echo "installed: $(/usr/sbin/sshd -V 2>&1 | head -1 || true)"
