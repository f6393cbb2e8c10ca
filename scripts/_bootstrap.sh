# Sourced by scripts/run and scripts/test: a virtualenv with the project's dependencies,
# compiled translations. Re-running reuses everything (pip runs only when pyproject.toml changed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
extras=${1:-}

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "== Creating the virtualenv in .venv"
  if ! "$PYTHON" -m venv .venv; then
    rm -rf .venv
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
      "$PYTHON" -m venv .venv
    else
      echo "Install python3-venv (sudo apt-get install python3-venv) and run again." >&2
      exit 1
    fi
  fi
fi

# One stamp per pyproject.toml and extras. scripts/run and scripts/test share the install: the
# test extras include everything the run needs, and switching between them installs nothing
# (only a changed pyproject.toml does; its stamps replace the old ones).
hash=$(sha256sum < pyproject.toml | cut -c1-16)
stamp=.venv/.installed-$hash${extras:+-$extras}
if [ ! -f "$stamp" ] && { [ -n "$extras" ] || ! compgen -G ".venv/.installed-$hash-*" >/dev/null; }; then
  echo "== Installing dependencies"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check ".${extras:+[$extras]}"
  find .venv -maxdepth 1 -name '.installed-*' ! -name ".installed-$hash" ! -name ".installed-$hash-*" -delete
  touch "$stamp"
fi

export PATH="$PWD/.venv/bin:$PATH"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$PWD/var/run}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

if ! command -v msgfmt >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== Installing gettext (compiles the translations)"
    apt-get update -qq && apt-get install -y -qq gettext >/dev/null
  else
    echo "Install gettext (sudo apt-get install gettext) and run again." >&2
    exit 1
  fi
fi

# Compiled catalogues are build output (git-ignored): make them from locale/*.po.
for po in locale/*/LC_MESSAGES/*.po; do
  mo=${po%.po}.mo
  if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
    msgfmt --check -o "$mo" "$po"
  fi
done

# The browser journeys (tests/e2e) drive Debian's Chromium through Playwright (Playwright's own
# browser download is never used: no download is possible on CI machines). A Chinese font makes
# the screenshots of the Chinese pages readable instead of boxes.
if [ "$extras" = test ]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium fonts-wqy-microhei)
  if command -v chromium >/dev/null && command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then missing+=(fonts-wqy-microhei); fi
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "== Installing ${missing[*]} (the browser tests drive it)"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" >/dev/null
    elif [[ " ${missing[*]} " == *" chromium "* ]]; then
      echo "The browser tests need Chromium: install it (sudo apt-get install chromium fonts-wqy-microhei) and run again." >&2
      exit 1
    fi
  fi
fi
