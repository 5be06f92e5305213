#!/usr/bin/env bash
# Refresh the front-end files that iadsim ships (make vendor): fetch the npm packages into a
# temporary directory with `npm pack`, copy their distribution files and LICENSE texts into
# src/iadsim/report/vendor/. The copies are committed, so a fresh clone needs no npm and the
# report and the web app need no network at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=src/iadsim/report/vendor
PACKAGES=("milsymbol@3.0.4" "leaflet@1.9.4" "world-atlas@2.0.2")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent "${PACKAGES[@]}" >/dev/null)
for tgz in "$TMP"/*.tgz; do
  name=$(basename "$tgz" .tgz)
  mkdir -p "$TMP/$name" && tar xzf "$tgz" -C "$TMP/$name"
done
mkdir -p "$DEST"
cp "$TMP"/milsymbol-*/package/dist/milsymbol.js "$DEST/milsymbol.js"
cp "$TMP"/milsymbol-*/package/LICENSE "$DEST/milsymbol.LICENSE"
cp "$TMP"/leaflet-*/package/dist/leaflet.js "$DEST/leaflet.js"
cp "$TMP"/leaflet-*/package/dist/leaflet.css "$DEST/leaflet.css"
cp "$TMP"/leaflet-*/package/LICENSE "$DEST/leaflet.LICENSE"
cp "$TMP"/world-atlas-*/package/land-10m.json "$DEST/land-10m.json"
cp "$TMP"/world-atlas-*/package/LICENSE "$DEST/world-atlas.LICENSE"
# what was copied, from which package version (the report and the docs cite it)
printf '%s\n' "${PACKAGES[@]}" > "$DEST/VERSIONS"
echo "vendored ${PACKAGES[*]} into $DEST"
