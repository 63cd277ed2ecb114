#!/bin/sh
# Runs a command with a fresh, unlocked GNOME Keyring on the current (private) D-Bus session:
#   dbus-run-session -- sh scripts/keyring-session.sh COMMAND...
# The keyring lives in a throwaway HOME so tests never touch the user's own keychain.
set -eu
keyring_home=$(mktemp -d "${TMPDIR:-/tmp}/mailwarden-keyring.XXXXXX")
trap 'rm -rf "$keyring_home"' EXIT
# A random, non-empty password: an empty one would leave the login keyring unencrypted.
password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
eval "$(printf '%s' "$password" | HOME="$keyring_home" XDG_DATA_HOME="$keyring_home/.local/share" \
  gnome-keyring-daemon --unlock --components=secrets --daemonize)"
export GNOME_KEYRING_CONTROL
export MAILWARDEN_KEYRING_SESSION=1
status=0
"$@" || status=$?
exit "$status"
