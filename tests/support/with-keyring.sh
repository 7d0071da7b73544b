#!/bin/sh
# Runs a command with a real, unlocked gnome-keyring Secret Service on the current D-Bus session.
# Use under a private bus:  dbus-run-session -- sh tests/support/with-keyring.sh <command…>
# XDG_DATA_HOME should point at a scratch folder so the test keyring never touches a real one.
set -eu
eval "$(printf 'cipw-test-keyring' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
status=0
"$@" || status=$?
# A second keyring daemon may have been started by D-Bus activation; it inherits the test's
# output pipes and would outlive the bus, so the caller would wait for it forever. Stop every
# service our private bus started (the bus is our sibling: dbus-run-session is our parent).
if command -v pkill >/dev/null 2>&1; then
    for bus in $(pgrep -P "$PPID" dbus-daemon); do
        pkill -P "$bus" 2>/dev/null || true
    done
fi
exit "$status"
