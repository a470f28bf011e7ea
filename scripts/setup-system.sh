#!/bin/sh
# Installs the Debian packages Balise's tests and demo need, only those missing (a no-op otherwise):
# the browsers (never downloaded by npm) and the real Roundcube + Dovecot the e2e tests run against.
# CI runs as root on a fresh Debian 12 machine; as a normal user this prints what to install and fails.
set -eu
here=$(dirname "$0")

# chromium-l10n: Chromium's own translations, so that the demo (run with --lang=fr-FR) shows Balise in French.
BROWSERS="chromium chromium-l10n firefox-esr fonts-dejavu-core"
missing=""
for p in $BROWSERS; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing="$missing $p"
done

if [ -n "$missing" ]; then
  echo "setup-system: missing:$missing"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup-system: as root, run: apt-get install -y --no-install-recommends$missing" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  # shellcheck disable=SC2086
  apt-get install -y --no-install-recommends $missing
else
  echo "setup-system: browsers present ($BROWSERS)"
fi

sh "$here/../tests/servers/roundcube/install-packages.sh"
