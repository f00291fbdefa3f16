# Shared by scripts/run, scripts/test and scripts/bench: package installation
# and the CMake build. Sourced, not run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# What building and running needs on Debian 12.
BUILD_PACKAGES=(build-essential cmake ninja-build pkg-config libpoco-dev libssl-dev libpq-dev
  libsqlite3-dev libcrypt-dev libargon2-dev libgtest-dev libgmock-dev openssl curl)
# plugins/policy-lua links liblua5.4-c++, which this package ships beside the C build.
BUILD_PACKAGES+=(liblua5.4-dev)
# What the tests need on top: real clients, Dovecot's doveadm for password hashes and
# Dovecot's POP3 server to import from.
TEST_PACKAGES=(python3 python3-pytest dovecot-core dovecot-pop3d fetchmail mpop getmail6)
# fail2ban-regex, to check the shipped filter against a real log (tests/integration/test_auth_defence.py).
TEST_PACKAGES+=(fail2ban)
# clang and its libFuzzer runtime, for the fuzz targets of tests/fuzz.
TEST_PACKAGES+=(clang libclang-rt-14-dev)
# Throwaway PostgreSQL 15 clusters (tests/integration/pg_cluster.py) for the PostgreSQL backend.
TEST_PACKAGES+=(postgresql postgresql-client)
# HAProxy in front of two postamtd (tests/integration/test_haproxy.py), and YAML to read docker-compose.yml.
TEST_PACKAGES+=(haproxy python3-yaml)
# What scripts/bench needs on top: a Dovecot to measure against, serving POP3 and LMTP,
# and pytest, which the integration fixtures it starts Postamt with import.
BENCH_PACKAGES=(python3 python3-pytest dovecot-core dovecot-pop3d dovecot-lmtpd)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs whichever of the given Debian packages are missing; quiet when none are.
install_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing ${missing[*]}"
  as_root apt-get update -qq
  # The tests need doveadm, not a running Dovecot: a temporary policy-rc.d
  # keeps the packages' services from starting (when no policy is there yet).
  local policy=/usr/sbin/policy-rc.d added_policy=
  if [ ! -e $policy ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee $policy >/dev/null && as_root chmod +x $policy && added_policy=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || {
    [ -n "$added_policy" ] && as_root rm -f $policy
    return 1
  }
  [ -n "$added_policy" ] && as_root rm -f $policy
  return 0
}

# build DIR TYPE [extra cmake args...]: configures once, then builds with both cores
# (POSTAMT_BUILD_JOBS=1 on a machine shared with others), everything or the
# targets in BUILD_TARGETS.
build() {
  local dir=$1 type=$2
  shift 2
  echo "==> building $type in $dir"
  cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  cmake --build "$dir" -j"${POSTAMT_BUILD_JOBS:-2}" ${BUILD_TARGETS:+--target ${BUILD_TARGETS[@]}}
}
