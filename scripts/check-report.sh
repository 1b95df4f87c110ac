#!/usr/bin/env bash
# Renders a Nightjar training report (report.html) in headless Chromium and checks it:
#   - the file references nothing on the network (no http(s):// or protocol-relative src/href/url(), XML namespace
#     URIs aside), so it views offline;
#   - Chromium loads it with the network switched off, and the rendered DOM still holds every <svg> chart of the file
#     (and at least EXPECTED_SVGS of them when that is set);
#   - a screenshot is written (OUT.png, default: the report's name with .png) for a person to look at.
# Prints PASS or FAIL with the reason; exits 0 on PASS, 1 on FAIL, 2 on a usage or setup problem.
#
# Usage: scripts/check-report.sh REPORT.html [OUT.png]
# Environment: CHROMIUM (default /usr/bin/chromium, else chromium on the PATH), WINDOW_SIZE (default 1280,4000),
#              EXPECTED_SVGS (default: the number of <svg in the file), CHROMIUM_TIMEOUT seconds (default 120).
set -euo pipefail

usage() { echo "usage: scripts/check-report.sh REPORT.html [OUT.png]" >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 ]] || usage
report=$1
[[ -f $report ]] || { echo "check-report: FAIL: no such file: $report (give the path of a report.html)" >&2; exit 2; }
out=${2:-${report%.html}.png}
window=${WINDOW_SIZE:-1280,4000}
limit=${CHROMIUM_TIMEOUT:-120}

abs=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "check-report: FAIL: $report: $*"; exit 1; }

# 1. Self-contained: drop the namespace declarations, then look for anything that would be fetched.
external=$(sed -E "s/xmlns(:[A-Za-z0-9_-]+)?=(\"[^\"]*\"|'[^']*')//g" "$report" \
  | grep -oiE "(https?:)?//[^\"' )<>]+|(src|href)=[\"']?[a-z]+:[^\"' >]*|url\([\"']?[a-z]+:" | sort -u | head -5 || true)
[[ -z $external ]] || fail "references outside the file (a report must view offline): $(echo "$external" | tr '\n' ' ')"

expected=$({ grep -o '<svg' "$report" || true; } | wc -l)
if [[ -n ${EXPECTED_SVGS:-} ]] && (( expected < EXPECTED_SVGS )); then
  fail "the file has $expected <svg> chart(s), expected at least $EXPECTED_SVGS"
fi

chromium=${CHROMIUM:-}
if [[ -z $chromium ]]; then
  if [[ -x /usr/bin/chromium ]]; then chromium=/usr/bin/chromium
  else chromium=$(command -v chromium || command -v chromium-browser || true)
  fi
fi
if [[ -z $chromium || ! -x $chromium ]]; then
  echo "check-report: FAIL: Chromium not found (looked for /usr/bin/chromium and chromium on the PATH)." >&2
  echo "  Install Debian's package: apt-get update && apt-get install -y chromium   (or set CHROMIUM=/path/to/it)" >&2
  exit 2
fi

# 2. Render with a fresh profile and the network off (a proxy that does not exist catches any stray fetch).
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --disable-extensions --disable-dev-shm-usage --hide-scrollbars
  --proxy-server=127.0.0.1:9 --user-data-dir="$work/profile")

if ! timeout "$limit" "$chromium" "${flags[@]}" --dump-dom "file://$abs" >"$work/dom.html" 2>"$work/dom.log"; then
  tail -5 "$work/dom.log" >&2
  fail "Chromium could not load the page (log above)"
fi
rendered=$({ grep -o '<svg' "$work/dom.html" || true; } | wc -l)
grep -q '<body' "$work/dom.html" || fail "the rendered DOM has no <body> (Chromium printed: $(head -c 300 "$work/dom.html"))"
(( rendered == expected )) || fail "the rendered DOM has $rendered <svg> element(s), the file has $expected"

rm -f "$out"
if ! timeout "$limit" "$chromium" "${flags[@]}" --window-size="$window" --screenshot="$out" "file://$abs" \
    >"$work/shot.log" 2>&1; then
  tail -5 "$work/shot.log" >&2
  fail "Chromium could not take the screenshot (log above)"
fi
[[ -s $out ]] || fail "no screenshot was written to $out"
size=$(stat -c %s "$out")

echo "check-report: PASS: $report: $rendered <svg> chart(s) in the rendered DOM (file: $expected), no external references, screenshot $out ($size bytes, window $window)"
