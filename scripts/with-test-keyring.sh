#!/usr/bin/env bash
# Runs a command inside its own D-Bus session with a fresh, unlocked GNOME keyring
# (a real Secret Service), without touching the user's own keyrings.
set -euo pipefail
if [ "${1:-}" != "--inside" ]; then
  exec dbus-run-session -- "$0" --inside "$@"
fi
shift
export XDG_DATA_HOME="$(mktemp -d)/data"
mkdir -p "$XDG_DATA_HOME/keyrings"
# Make the "login" keyring the default collection, so nothing asks a (headless) prompt to create one.
printf 'login' > "$XDG_DATA_HOME/keyrings/default"
printf 'ci-keyring' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
# One round trip through the Secret Service before the tests: the login collection is created on
# first use, and parallel test files creating it at once crashed the daemon once (a GLib trap in
# gnome-keyring-daemon, seen in dmesg; every keychain test then failed).
if command -v secret-tool >/dev/null; then
  printf 'warm-up' | secret-tool store --label='clickstack-tray CI warm-up' clickstack-tray-ci warm-up
  secret-tool lookup clickstack-tray-ci warm-up >/dev/null
  secret-tool clear clickstack-tray-ci warm-up
fi
exec "$@"
