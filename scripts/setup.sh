#!/usr/bin/env bash
# Creates (or reuses) the two Python environments. Each is keyed on the hash of its lock file:
# when the stamp for the current hash exists, nothing is installed again.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/log

fail() { echo "✗ $*" >&2; exit 1; }

# find_python VERSION: print an interpreter of that version: on PATH, else pyenv's installed one.
find_python() {
  local version=$1 candidate
  if candidate=$(command -v "python$version" 2>/dev/null) && "$candidate" -c 'import sys' >/dev/null 2>&1; then
    echo "$candidate"; return 0
  fi
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in "$(pyenv root)"/versions/"$version".*/bin/python"$version"; do
      [ -x "$candidate" ] && { echo "$candidate"; return 0; }
    done
  fi
  return 1
}

hash_of() { cat "$@" | sha256sum | cut -c1-12; }

# ensure_venv DIR VERSION STAMP_HASH INSTALL_FUNCTION
ensure_venv() {
  local dir=$1 version=$2 hash=$3 installer=$4 python log
  if [ -f "$dir/.installed-$hash" ]; then
    echo "✓ reusing $dir (Python $version, lock $hash)"; return 0
  fi
  python=$(find_python "$version") || fail "Python $version not found: install it (apt-get install python$version, or 'pyenv install $version') and run make again."
  log="var/log/setup-$(basename "$dir").log"
  echo "… installing $dir with $python (lock $hash; log: $log)"
  [ -x "$dir/bin/python" ] || "$python" -m venv "$dir" >"$log" 2>&1 || fail "could not create $dir with $python (see $log)"
  rm -f "$dir"/.installed-*
  if ! "$installer" "$dir" >>"$log" 2>&1; then
    tail -n 15 "$log" >&2
    fail "installing $dir failed (full log: $log); check the network access to the package registry and run make again."
  fi
  touch "$dir/.installed-$hash"
  echo "✓ $dir ready"
}

install_main() {
  "$1/bin/pip" install --upgrade pip
  "$1/bin/pip" install torch==2.13.0
  "$1/bin/pip" install -c requirements/main.lock -e '.[test]'
}

install_rasa() {
  "$1/bin/pip" install --upgrade pip
  "$1/bin/pip" install -c requirements/rasa.lock rasa==3.6.21
}

# ensure_chromium: the browser tests drive Debian's chromium (Playwright never downloads a browser);
# the colour emoji font makes their screenshots show the 👍/👎 and topic buttons as phones do.
CHROMIUM_PACKAGES=(chromium fonts-noto-color-emoji)
ensure_chromium() {
  local log=var/log/setup-chromium.log
  if [ -x /usr/bin/chromium ] && [ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then
    echo "✓ reusing /usr/bin/chromium"; return 0
  fi
  command -v apt-get >/dev/null 2>&1 || fail "chromium is missing and apt-get is not available: install Debian's packages ${CHROMIUM_PACKAGES[*]} by hand."
  [ "$(id -u)" -eq 0 ] || fail "chromium is missing: install it as root with 'apt-get install ${CHROMIUM_PACKAGES[*]}' and run make again."
  echo "… installing Debian's chromium for the browser tests (log: $log)"
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${CHROMIUM_PACKAGES[@]}"; } >"$log" 2>&1; then
    tail -n 15 "$log" >&2
    fail "installing chromium with apt-get failed (full log: $log); check the access to the Debian package mirror and run make again."
  fi
  echo "✓ chromium ready"
}

# ensure_servers: the tests start throwaway PostgreSQL and Redis servers from Debian's packages (initdb/pg_ctl,
# redis-server), as production runs them; nothing is started here (Debian may enable the services: stop them
# with systemctl if this machine should not run them).
SERVER_PACKAGES=(postgresql redis-server)
have_postgresql() { command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; }
have_redis() { command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]; }
ensure_servers() {
  local log=var/log/setup-servers.log missing=()
  have_postgresql || missing+=(postgresql)
  have_redis || missing+=(redis-server)
  if [ ${#missing[@]} -eq 0 ]; then
    echo "✓ reusing PostgreSQL and Redis"; return 0
  fi
  command -v apt-get >/dev/null 2>&1 || fail "${missing[*]} missing and apt-get is not available: install Debian's packages ${SERVER_PACKAGES[*]} by hand."
  [ "$(id -u)" -eq 0 ] || fail "${missing[*]} missing: install as root with 'apt-get install ${missing[*]}' and run make again."
  echo "… installing Debian's ${missing[*]} for the tests (log: $log)"
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 15 "$log" >&2
    fail "installing ${missing[*]} with apt-get failed (full log: $log); check the access to the Debian package mirror and run make again."
  fi
  echo "✓ ${missing[*]} ready"
}

ensure_venv .venv 3.11 "$(hash_of requirements/main.lock pyproject.toml)" install_main
ensure_venv .venv-rasa 3.10 "$(hash_of requirements/rasa.lock)" install_rasa
ensure_chromium
ensure_servers
