#!/usr/bin/env bash
# Idempotent install of every Debian package the mail lab needs.
# Called by .ci/run; safe to run again (apt-get runs only when something is missing).
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "install-packages.sh: must run as root (apt-get); run: sudo bash e2e/lab/install-packages.sh" >&2
  exit 1
fi

# The lab servers, then the peers the tests and benchmarks compare against (dkimpy, OpenDKIM,
# pyspf, stunnel, testssl.sh), curl, a real client driven through the tunnel, unbound +
# ldnsutils for the DNSSEC zone and validating resolver of the DANE lab (e2e/lab/dnssec.ts), and
# rspamd, a DKIM signer for keygen's keys (e2e/lab/rspamd.ts starts its own; its redis is only
# recommended, so not installed); fetchmail and msmtp, legacy password-only clients driven through
# the OAuth tunnel (issue 18).
PACKAGES=(exim4-daemon-heavy dovecot-imapd dovecot-pop3d dovecot-lmtpd perdition dnsmasq-base nginx-light socat openssl iproute2 passwd
  python3-dkim python3-spf opendkim-tools stunnel4 testssl.sh curl python3
  unbound ldnsutils rspamd fetchmail msmtp)

# Package installs must not start system-wide daemons: they would take the lab's ports. The
# guard lasts only as long as this script, so the machine's later installs behave as usual.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "lab packages: all installed"
  exit 0
fi

echo "lab packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "lab packages: done"
