#!/usr/bin/env bash
# Builds the OpenTelemetry Collector described by collector/manifest.yaml with the
# Collector Builder (ocb), once, into a cache folder outside the repo, and reuses it.
# Prints the binary's path on the last line of stdout; progress and timings go to stderr.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
manifest="$root/collector/manifest.yaml"
version="$(sed -n 's/^  version: *//p' "$manifest")"
hash="$(sha256sum "$manifest" | cut -c1-12)"
cache="${CLICKSTACK_COLLECTOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clickstack-tray/collector}"
out="$cache/$version-$hash"
binary="$out/dist/clickstack-test-otelcol"
started=$EPOCHREALTIME
elapsed() { awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# --path: only say where the binary is (or would be); tests use it to find the build.
if [[ "${1:-}" == "--path" ]]; then
  echo "$binary"
  exit 0
fi

if [[ -x "$binary" ]]; then
  echo "collector: cached build reused from $out ($(elapsed) s)" >&2
  echo "$binary"
  exit 0
fi

command -v go >/dev/null || { echo "collector: Go is not installed; the collector tests need it (apt-get install golang or https://go.dev/dl)" >&2; exit 1; }
echo "collector: first build of v$version into $out (several minutes on 2 cores)…" >&2
# Build in a scratch folder and move it in whole, so an interrupted build never looks cached.
mkdir -p "$cache"
tmp="$(mktemp -d "$cache/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
GOBIN="$tmp/bin" go install "go.opentelemetry.io/collector/cmd/builder@v$version" >&2
sed "s#^dist:#dist:\n  output_path: $tmp/dist#" "$manifest" > "$tmp/manifest.yaml"
"$tmp/bin/builder" --config "$tmp/manifest.yaml" >&2
rm -rf "$out"
# Keep the binary only: the generated sources and the builder are not needed again.
mkdir -p "$tmp/keep/dist" && mv "$tmp/dist/clickstack-test-otelcol" "$tmp/keep/dist/"
mv "$tmp/keep" "$out"
echo "collector: first build took $(elapsed) s" >&2
echo "$binary"
