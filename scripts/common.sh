# Shared by scripts/run.sh and scripts/test.sh (sourced, not executed).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1
T0=$SECONDS
log() { echo "[zairyu +$((SECONDS - T0))s] $*"; }
die() { echo "ERROR: $*" >&2; exit 1; }

# Django 6 needs Python >= 3.12.  The machines' default python3 (and Debian 12's)
# is 3.11, and pyenv's python3.12 *shim* exits 127, so look for real paths.
pick_python() {
  local c root
  root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
  for c in ${PYTHON:-} "$root"/versions/3.1[2-9]*/bin/python3 \
           /usr/bin/python3.14 /usr/bin/python3.13 /usr/bin/python3.12 \
           /usr/local/bin/python3.1[2-9] python3; do
    [ -x "$c" ] || command -v "$c" >/dev/null 2>&1 || continue
    "$c" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
      && { echo "$c"; return 0; }
  done
  return 1
}

# ensure_venv <requirements file>: create .venv once; reinstall only when the
# requirements change (a stamp holds their checksum).
ensure_venv() {
  local req=$1 want have=""
  want=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)-$req
  [ -f .venv/.zairyu-stamp ] && have=$(cat .venv/.zairyu-stamp)
  if [ -x .venv/bin/python ] && [ "$want" = "$have" ]; then
    log "virtualenv up to date"
    return 0
  fi
  if [ ! -x .venv/bin/python ]; then
    local py
    py=$(pick_python) || die "no Python >= 3.12 found. Install one, e.g.:
  pyenv install 3.12    (then run this again), or
  apt-get install python3.12 python3.12-venv    (Debian 13), or
  set PYTHON=/path/to/python3.12"
    log "creating .venv with $py ($("$py" -V 2>&1))"
    "$py" -m venv .venv
  fi
  log "installing $req"
  .venv/bin/pip install -q -r "$req" 2>&1 | grep -v "is ignored: it is neither" || true
  .venv/bin/python -c 'import django' 2>/dev/null || die "pip install failed (see above)"
  echo "$want" > .venv/.zairyu-stamp
}

# compilemessages would otherwise walk .venv and recompile every library's catalogue.
compile_messages() { .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=var -v 0; }

require_gettext() {
  command -v msgfmt >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing gettext"; apt-get update -qq && apt-get install -y -qq --no-install-recommends gettext >/dev/null
  else
    die "msgfmt (GNU gettext) is missing: run 'sudo apt-get install gettext' and try again."
  fi
}
