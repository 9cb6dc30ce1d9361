#!/usr/bin/env bash
# Runs the Simd benchmark suite in Release with fixed short settings and writes the reports plus a compact summary
# to perf/results/<cpu-name>/. Extra arguments go to BenchmarkDotNet, e.g. ./perf/run.sh --filter '*StepBenchmarks*'
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- || true)"
cpu="$(echo "${cpu:-unknown-cpu}" | sed -E 's/^ +| +$//g; s/[^A-Za-z0-9._-]+/-/g; s/-+/-/g; s/-$//')"
out="$here/results/$cpu"
artifacts="$(mktemp -d)"
trap 'rm -rf "$artifacts"' EXIT

filter=(--filter '*')
for a in "$@"; do [[ "$a" == --filter ]] && filter=(); done

dotnet build -c Release "$here/Simd.Benchmarks" -v q -nologo
# Out-of-process (BenchmarkDotNet's default toolchain) for isolation; 1 launch, 3 warm-up and 10 measured iterations.
dotnet run -c Release --no-build --project "$here/Simd.Benchmarks" -- \
  "${filter[@]}" --launchCount 1 --warmupCount 3 --iterationCount 10 \
  --exporters briefjson github --artifacts "$artifacts" "$@" | tee "$artifacts/console.log" \
  | grep -E '^// (verified|\*\*\*\*\*)|^\| ' || true

mkdir -p "$out"
if ! ls "$artifacts"/results/*-report-brief.json >/dev/null 2>&1; then
  echo "run.sh: no results were produced; see the BenchmarkDotNet output above" >&2
  exit 1
fi
cp "$artifacts"/results/*-report-brief.json "$artifacts"/results/*-report-github.md "$out/"
# A filtered run re-verifies only some classes: keep the earlier lines of every label this run did not check again.
grep '^// verified' "$artifacts/console.log" | sort -u > "$artifacts/verified.txt" || true
touch "$out/verification.txt"
awk -F': max ' 'NR == FNR { fresh[$1] = 1; print; next } !($1 in fresh)' \
  "$artifacts/verified.txt" "$out/verification.txt" | sort -u > "$artifacts/merged.txt"
cp "$artifacts/merged.txt" "$out/verification.txt"
python3 "$here/summarize.py" "$out" "$out/summary.md"
echo "results: ${out#"$repo"/}"
