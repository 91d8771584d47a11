#!/usr/bin/env bash
# Start a built bundle headless: CLI version, a demo vault, list it as JSON, then the GUI opens
# that vault without dialogs, shows the main window and exits 0 (kapnotes/smoke.py).
# Usage: packaging/smoke_bundle.sh [path/to/kapnotes]   (Linux and macOS; see docs/INSTALL.md)
set -euo pipefail

EXE="${1:-dist/bundle/kapnotes/kapnotes}"
if [ ! -x "$EXE" ] && [ -x "dist/bundle/KAP Notes.app/Contents/MacOS/kapnotes" ]; then
    EXE="dist/bundle/KAP Notes.app/Contents/MacOS/kapnotes"
fi
[ -x "$EXE" ] || { echo "bundle-smoke: no bundle at $EXE; run 'make bundle' first" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Everything inside the temporary folder: no real vault, settings or practice policy is touched.
export QT_QPA_PLATFORM=offscreen
export KAPNOTES_DATA_DIR="$tmp/data"
export KAPNOTES_POLICY="$tmp/no-policy.json"
unset KAPNOTES_VAULT
vault="$tmp/smoke.kapnotes"
printf '%s\n' "harbour smoke test 42 quietly" > "$tmp/passphrase"
started=$(date +%s)

"$EXE" --version
"$EXE" demo --vault "$vault" --passphrase-file "$tmp/passphrase" > /dev/null
"$EXE" list --vault "$vault" --passphrase-file "$tmp/passphrase" --json > "$tmp/list.json"
grep -q '"code": "KAP-001"' "$tmp/list.json" || { echo "bundle-smoke: list gave no demo client" >&2; exit 1; }

KAPNOTES_SMOKE_EXIT_MS=1500 KAPNOTES_PASSPHRASE="$(cat "$tmp/passphrase")" \
    "$EXE" --vault "$vault" 2> "$tmp/gui.err" || { cat "$tmp/gui.err" >&2; exit 1; }
grep -q "main window shown" "$tmp/gui.err" || { cat "$tmp/gui.err" >&2; exit 1; }
echo "bundle-smoke: OK in $(( $(date +%s) - started )) s ($(du -sh "$(dirname "$EXE")" | cut -f1) bundle)"
