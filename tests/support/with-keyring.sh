#!/bin/sh
# Runs a command with a real, unlocked gnome-keyring Secret Service on the current D-Bus session.
# Use under a private bus:  dbus-run-session -- sh tests/support/with-keyring.sh <command…>
# XDG_DATA_HOME should point at a scratch folder so the test keyring never touches a real one.
set -eu
eval "$(printf 'cipw-test-keyring' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
exec "$@"
