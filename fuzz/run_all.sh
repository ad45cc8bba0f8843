#!/usr/bin/env bash
# Run every fuzz target for SECONDS each (default 10) and print one summary line per target.
# Exit status: 0 when no target crashed, hung or broke an invariant; 1 otherwise; 2 on usage.
# Uses atheris (libFuzzer) when it is installed, else the hypothesis fallback in _common.py.
# New inputs go to a scratch corpus under $FUZZ_WORK (default: a temp dir), never into fuzz/corpus;
# crash reproducers go to fuzz/artifacts/<target>/ (replay: python fuzz/fuzz_X.py FILE).
# A target that cannot even be imported counts as a failure.
set -uo pipefail
cd "$(dirname "$0")"
seconds="${1:-10}"
case "$seconds" in ''|*[!0-9]*) echo "usage: fuzz/run_all.sh [SECONDS]" >&2; exit 2 ;; esac
py="${PYTHON:-../.venv/bin/python}"
[ -x "$py" ] || py="$(command -v python3)"
work="${FUZZ_WORK:-$(mktemp -d)}"
status=0
for target in fuzz_*.py; do
  name="${target#fuzz_}"; name="${name%.py}"
  if ! "$py" -c "import sys; sys.path.insert(0, '.'); import ${target%.py}" >/dev/null 2>"$work/$name.import.log"; then
    echo "fuzz: $name: FAILED to import: $(tail -1 "$work/$name.import.log")"; status=1; continue
  fi
  mkdir -p "$work/corpus_$name" "artifacts/$name"
  log="$work/$name.log"
  TMPDIR="$work" "$py" "$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="artifacts/$name/" \
    "$work/corpus_$name" "corpus/$name" >"$log" 2>&1
  rc=$?
  runs="$(grep -Eo 'Done [0-9]+ runs' "$log" | tail -1 | grep -Eo '[0-9]+' || true)"
  [ -n "$runs" ] || runs="$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo '?')"
  cov="$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+' || echo '?')"
  if [ "$rc" -eq 0 ]; then
    echo "fuzz: $name: ok, $runs runs in ${seconds}s, coverage $cov"
  else
    crash="$(grep -Eo 'artifacts/[^ ]+' "$log" | tail -1)"
    why="$(grep -E '==ERROR|Error|Traceback|timeout' "$log" | head -1 | cut -c1-120)"
    echo "fuzz: $name: CRASH (exit $rc) ${why} reproducer: fuzz/${crash:-see $log}"
    status=1
  fi
done
[ -n "${FUZZ_WORK:-}" ] || rm -rf "$work"
exit "$status"
