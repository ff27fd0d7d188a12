#!/usr/bin/env bash
# Build the soberana .deb into dist/: a static binary stamped with its
# version, commit and build date, packaged by nfpm (run from the Go module
# proxy at a pinned version; no other tool needed). deploy/nfpm.yaml says
# what goes where.
#   scripts/package-deb.sh            → dist/soberana_<version>_<arch>.deb
#   SOBERANA_VERSION=1.2.3 scripts/package-deb.sh
# Prints the path of the package on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
NFPM=github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.43.0

commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
date=$(git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
if [ -z "${SOBERANA_VERSION:-}" ]; then
  if SOBERANA_VERSION=$(git describe --tags --exact-match 2>/dev/null); then :; else
    # No release tag here: a development version that sorts before 0.1.0.
    SOBERANA_VERSION="0.1.0~git$(git log -1 --format=%cd --date=format:%Y%m%d%H%M%S 2>/dev/null || date -u +%Y%m%d%H%M%S).${commit:0:12}"
  fi
fi
export SOBERANA_DEB_VERSION="${SOBERANA_VERSION#v}"
export SOBERANA_ARCH="${SOBERANA_ARCH:-$(go env GOARCH)}"

mkdir -p dist
export SOBERANA_BINARY="dist/soberana-linux-$SOBERANA_ARCH"
pkg=github.com/soberana/soberana/internal/buildinfo
CGO_ENABLED=0 GOOS=linux GOARCH="$SOBERANA_ARCH" go build -trimpath \
  -ldflags "-s -w -X $pkg.version=$SOBERANA_VERSION -X $pkg.commit=$commit -X $pkg.date=$date" \
  -o "$SOBERANA_BINARY" ./cmd/soberana

out="dist/soberana_${SOBERANA_DEB_VERSION}_${SOBERANA_ARCH}.deb"
rm -f "$out"
# nfpm expands the environment in some fields only: fill them all here.
sed -e "s|\${SOBERANA_ARCH}|$SOBERANA_ARCH|g" -e "s|\${SOBERANA_DEB_VERSION}|$SOBERANA_DEB_VERSION|g" \
    -e "s|\${SOBERANA_BINARY}|$SOBERANA_BINARY|g" deploy/nfpm.yaml > dist/nfpm.yaml
go run "$NFPM" package --config dist/nfpm.yaml --packager deb --target "$out" >&2
echo "$out"
