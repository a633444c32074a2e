#!/bin/sh
# Create .venv and install compliance into it, from nothing.
#   scripts/install.sh          the tool
#   scripts/install.sh --test   the tool and the test dependencies
# durable-rules publishes no wheels, so pip compiles it: that needs gcc and the Python
# headers. Its setup.py discards CFLAGS, so the flags go in CPPFLAGS: -O2 (otherwise it is
# built without optimisation) and a macro that lets it build on Python 3.13, where
# PyEval_CallObject was removed (harmless on 3.11/3.12). --no-cache-dir: never reuse a wheel
# built earlier with other flags.
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "compliance needs Python 3.11 or newer")'
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
if ! "$VENV/bin/python" -c 'import durable_rules_engine' 2>/dev/null; then
    CPPFLAGS="-O2 -DPyEval_CallObject=PyObject_CallObject" \
        "$VENV/bin/python" -m pip install --quiet --no-cache-dir "durable-rules==2.0.28"
fi
# the build backend's notices (editable installs) are not for the user: keep `make demo` quiet
PYTHONWARNINGS=ignore "$VENV/bin/python" -m pip install --quiet -e ".$extras"
echo "installed: $VENV/bin/compliance"
