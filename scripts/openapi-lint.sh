#!/usr/bin/env bash
# Lint the OpenAPI document with Redocly (recommended rules) and Spectral
# (spectral:oas, .spectral.yaml). Fails on any error or warning.
# The tools come from npm into the ignored tmp/ directory (pinned; reused
# when present). The document is the reviewed golden file, which
# TestOpenAPIGolden keeps identical to what the server serves; pass a path
# to lint another one.
set -euo pipefail
cd "$(dirname "$0")/.."
REDOCLY_VERSION=2.77.0
SPECTRAL_VERSION=6.16.3
TOOLS="$PWD/tmp/openapi-lint"
doc="${1:-internal/server/testdata/openapi.golden.json}"

if [ ! -x "$TOOLS/node_modules/.bin/redocly" ] || [ ! -x "$TOOLS/node_modules/.bin/spectral" ]; then
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error \
    "@redocly/cli@$REDOCLY_VERSION" "@stoplight/spectral-cli@$SPECTRAL_VERSION" >/dev/null
fi
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1

status=0
echo "--- redocly lint (recommended) $doc"
out=$("$TOOLS/node_modules/.bin/redocly" lint --config redocly.yaml --format=stylish "$doc" 2>&1) || status=1
printf '%s\n' "$out" | grep -v -e '^ *║' -e '^ *╔' -e '^ *╚' -e '^$' || true
# Redocly exits 0 on warnings: fail on them too.
if printf '%s' "$out" | grep -Eq '[1-9][0-9]* (warning|error)'; then status=1; fi

echo "--- spectral lint (spectral:oas) $doc"
"$TOOLS/node_modules/.bin/spectral" lint --ruleset .spectral.yaml --fail-severity=warn "$doc" || status=1

if [ "$status" -ne 0 ]; then
  echo "openapi-lint: the document has lint errors or warnings (fix the generator in internal/api/openapi*.go, then go test ./internal/server -run OpenAPI -update)"
fi
exit "$status"
