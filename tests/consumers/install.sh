#!/usr/bin/env bash
# The consumers' own validators for tests/test_consumers.py, from the registries:
# - npm: Mermaid's parser (with jsdom as its DOM) and Microsoft's SARIF Multitool, whose Linux
#   package also ships the SARIF 2.1.0 JSON schema (package.json pins the versions);
# - PyPI: Jenkins xUnit's junit-10.xsd, as shipped in pytest's source distribution (pytest's own
#   suite validates its JUnit reports against it).
# Usage: tests/consumers/install.sh PYTHON   (the virtualenv's python, for pip)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${1:-python3}"
if ! command -v npm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null) || echo "nodejs/npm could not be installed"
fi
# Graphviz reads the DOT that `graph -f dot` writes.
if ! command -v dot >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq graphviz >/dev/null) || echo "graphviz could not be installed"
fi
if command -v npm >/dev/null 2>&1; then
  npm install --prefix "$here" --no-audit --no-fund --loglevel=error
  # npm may leave the Multitool's postinstall (chmod u+x) unrun: make it executable here.
  chmod u+x "$here"/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool 2>/dev/null || true
fi
if [ ! -f "$here/junit-10.xsd" ]; then
  tmp="$(mktemp -d)"
  version="$("$python" -c 'import pytest; print(pytest.__version__)')"
  "$python" -m pip download -q --no-deps --no-binary :all: "pytest==$version" -d "$tmp"
  tar -xzf "$tmp"/pytest-*.tar.gz -C "$tmp" --wildcards '*/testing/example_scripts/junit-10.xsd'
  cp "$tmp"/pytest-*/testing/example_scripts/junit-10.xsd "$here/junit-10.xsd"
  rm -rf "$tmp"
fi
