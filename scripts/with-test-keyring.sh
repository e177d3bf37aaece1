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
# The process that owns the Secret Service's bus name (empty when none does).
owner() { dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null | awk '/uint32/ {print $2}'; }
printf 'ci-keyring' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
# The daemon claims the Secret Service's bus name a moment after it forks. A client that asks
# before then has D-Bus start a second daemon, which wants a (headless) prompt to create the login
# keyring and fails: wait for the name (seen once on a loaded machine: CI failed before any test).
for _ in $(seq 1 100); do
  if [ -n "$(owner)" ]; then break; fi
  sleep 0.1
done
# One round trip through the Secret Service before the tests: the login collection is created on
# first use, and parallel test files creating it at once crashed the daemon once (a GLib trap in
# gnome-keyring-daemon, seen in dmesg; every keychain test then failed).
if command -v secret-tool >/dev/null; then
  warm() { printf 'warm-up' | secret-tool store --label='clickstack-tray CI warm-up' clickstack-tray-ci warm-up && secret-tool lookup clickstack-tray-ci warm-up >/dev/null && secret-tool clear clickstack-tray-ci warm-up; }
  for attempt in 1 2 3; do
    if warm; then break; fi
    [ "$attempt" = 3 ] && { echo "with-test-keyring: the Secret Service did not answer a store/lookup/clear round trip after 3 tries" >&2; exit 1; }
    sleep 1
  done
fi
# gnome-keyring-daemon has died mid-run on a GLib trap (dmesg: "trap int3 … libglib"; every keychain
# test after it then failed). A client asking in the moment after has D-Bus start a daemon of its
# own, locked and wanting a (headless) prompt: "Object does not exist at path …/collection/login"
# from then on. So while the tests run, a Secret Service that is not the daemon started here (gone
# from the bus, or another process) is replaced by one unlocked the same way: one crash costs the
# test it hit, not the rest of the suite.
(
  ours="$(owner)"
  while sleep 1; do
    now="$(owner)"
    if [ -z "$now" ] || [ "$now" != "$ours" ]; then
      what="gone from the bus"
      [ -n "$now" ] && what="another process (pid $now), not the unlocked daemon started here"
      echo "with-test-keyring: the Secret Service is $what; starting an unlocked gnome-keyring-daemon in its place" >&2
      printf 'ci-keyring' | gnome-keyring-daemon --replace --unlock --components=secrets >/dev/null 2>&1 || true
      for _ in $(seq 1 50); do
        ours="$(owner)"
        [ -n "$ours" ] && [ "$ours" != "$now" ] && break
        sleep 0.1
      done
    fi
  done
) &
watchdog=$!
status=0
"$@" || status=$?
kill "$watchdog" 2>/dev/null || true
exit "$status"
