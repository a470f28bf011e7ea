#!/bin/sh
# Installs the Debian packages the Roundcube test environment needs, and only those that are missing
# (a no-op when everything is present). CI runs it as root on a fresh Debian 12 machine.
#
#   sudo sh tests/servers/roundcube/install-packages.sh
#
# The environment runs private Dovecot/PHP instances on 127.0.0.1; the system services these packages
# ship are kept from starting during the installation (policy-rc.d), and nothing is configured in /etc.
set -eu

PACKAGES="roundcube-core roundcube-plugins roundcube-skin-larry roundcube-sqlite3 php8.2-cli php8.2-sqlite3 php8.2-mbstring php8.2-intl php8.2-xml php8.2-zip dovecot-core dovecot-imapd"

missing=""
for p in $PACKAGES; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  if [ "$status" != "installed" ]; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-packages: all present ($PACKAGES)"
  exit 0
fi

echo "install-packages: missing:$missing"
if [ "$(id -u)" -ne 0 ]; then
  echo "install-packages: run as root to install them" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
policy_created=0
cleanup() {
  if [ "$policy_created" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
}
trap cleanup EXIT
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\n# temporary: do not start services while installing test packages\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  policy_created=1
fi

apt-get update
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $missing
echo "install-packages: installed:$missing"
