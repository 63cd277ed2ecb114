#!/bin/sh
# Installs the Debian packages the tests need: Debian's Chromium (Playwright drives it; no
# browser is downloaded), a D-Bus session and GNOME Keyring (the real OS keychain), and the
# mail lab's servers. Idempotent: installs only what is missing. Needs root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != 0 ]; then
  echo "install-debian-deps: run as root (sudo sh scripts/install-debian-deps.sh)." >&2
  exit 3
fi
# Installing a server package must not start it system-wide (it would take the lab's ports):
# a policy-rc.d that says no, only for the duration of this script.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
packages="chromium fonts-liberation dbus gnome-keyring libsecret-1-0 libsecret-tools"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "Installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
bash "$here/../e2e/lab/install-packages.sh"
