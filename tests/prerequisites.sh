#!/usr/bin/env bash
# What `make test` needs from the machine: Debian packages (Chromium, fonts, libmagic, Pango for
# WeasyPrint, Cairo for CairoSVG, clamd, Node.js, haproxy) and PostgreSQL and Redis answering on loopback. Installs what is
# missing when it can (root with apt-get); otherwise says in one line what is missing and how to
# get it, and stops.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
dpkg -s libmagic1 >/dev/null 2>&1 || need+=(libmagic1)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0)
dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || need+=(libpangoft2-1.0-0)
dpkg -s libcairo2 >/dev/null 2>&1 || need+=(libcairo2)
command -v clamd >/dev/null 2>&1 || need+=(clamav-daemon)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
# The fault tests (tests/faults/) run a redis-server and a PostgreSQL cluster of their own.
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# The load benchmark (make bench BENCH=load) saturates pages with wrk.
command -v wrk >/dev/null 2>&1 || need+=(wrk)
# The state topology test (tests/deploy/) runs two web processes behind haproxy.
command -v haproxy >/dev/null 2>&1 || need+=(haproxy)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing from Debian: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "make test needs ${need[*]}: run 'sudo apt-get install ${need[*]}' (Debian/Ubuntu), then make test again." >&2
    exit 1
  fi
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  pg_isready -h 127.0.0.1 -p 5432 -q || {
    echo "make test needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth): start it, or set TEST_DATABASE_URL." >&2
    exit 1
  }
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
  fi
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || {
    echo "make test needs Redis on 127.0.0.1:6379: install redis-server and start it." >&2
    exit 1
  }
fi
