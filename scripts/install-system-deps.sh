#!/usr/bin/env bash
# Installs the system services the test suites run against (Debian bookworm, as root).
# Each suite starts its own instance on loopback; nothing here is left running.
set -euo pipefail

PACKAGES=(
  postgresql          # the PostgreSQL dialect suite
  redis-server        # Redis-backed rate limits, cache and pub/sub
  prometheus          # promtool checks /metrics
  swaks               # an outside SMTP client for the mail suites
  util-linux          # unshare: the validation sandbox's network namespace
  iproute2            # ip: loopback up inside that namespace
  dovecot-imapd       # a real IMAP server for the agent and mail ingestion
  chromium            # the web UI end-to-end suite (through playwright-core)
  clamav-daemon       # clamd scans bundles (the suite loads its own EICAR test signature)
  podman              # the agent's container runtime, through podman's Docker-compatible API
  runc                # the OCI runtime podman runs containers with
  python3-dkim        # dkimverify: an outside DKIM verifier for the server's signed mail
  postfix             # the mail hub benchmark's baseline (a throwaway instance under /tmp, queue held)
  rspamd              # spam scores for the inbound mail pipeline's suite and bench (a throwaway instance on loopback)
  mosquitto           # an MQTT broker for the MQTT events suite (started by the suite on loopback)
  git                 # Git export: the server runs git (commits, tags, http-backend) and the suite clones
  openssh-client      # ssh-keygen: SSH signatures on exported tags (git tag -s / tag -v); ssh: pushes to SSH remotes
  openssh-server      # sshd: the Git export suite pushes to a bare repository over SSH (its own sshd on loopback)
)

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-system-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-system-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
# postfix asks how to configure itself: not at all (the benchmark runs its own throwaway instance)
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
# Daemons are not started by the install at all (the Docker convention: policy-rc.d answers 101), so
# nothing listens beyond loopback even for a moment; a policy-rc.d already present is left as it is.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod 755 /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian starts some daemons on install; the suites run their own instances on other ports.
for svc in redis-server dovecot postgresql prometheus clamav-daemon clamav-freshclam postfix rspamd mosquitto ssh; do
  $SUDO service "$svc" stop >/dev/null 2>&1 || true
done
