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
exec "$@"
