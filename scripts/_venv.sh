# Sourced by the scripts in this folder (not run on its own). ensure_venv makes ./.venv with
# Python 3.11 if it is missing and installs into it exactly what requirements-test.lock pins
# (hashes checked), then the project itself, again whenever the lock or pyproject.toml has
# changed since the last install. PYTHON names another interpreter. scripts/lock rewrites the
# lock from pyproject.toml.

ensure_venv() {
    local python="${PYTHON:-python3.11}"
    local stamp=".venv/.installed"

    if [ ! -x .venv/bin/python ]; then
        if ! command -v "$python" >/dev/null 2>&1; then
            echo "Python 3.11 is needed, but '$python' was not found (set PYTHON to its path)." >&2
            return 1
        fi
        echo "Creating .venv with $("$python" --version)"
        "$python" -m venv .venv
        rm -f "$stamp"
    fi

    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements-test.lock -nt "$stamp" ]; then
        echo "Installing coprod and its test tools into .venv (from requirements-test.lock)"
        .venv/bin/python -m pip install --quiet --quiet --disable-pip-version-check \
            --require-hashes --only-binary :all: -r requirements-test.lock &&
            .venv/bin/python -m pip install --quiet --quiet --disable-pip-version-check \
                --no-deps -e . &&
            touch "$stamp"
    fi
}
