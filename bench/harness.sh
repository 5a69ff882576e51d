#!/usr/bin/env bash
# Times the full PDS provider suite against the in-process simulator (`smsp test provider
# --against-simulator`, reports included), beside a baseline measured in the same run: the same
# command with one case (`--only` the first), which pays every fixed cost (process start, dev
# PKI, simulator start, TLS handshake, report rendering) and nothing per case.
# Target (issue 4): the full suite in under 5 s on the project machine.
# Usage: bash bench/harness.sh [RUNS]   (default 7 runs each, interleaved; medians reported)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"
cargo build --release -q
bin="${CARGO_TARGET_DIR:-target}/release/smsp"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
first="$(python3 -c 'import sys,re; t=open("scenarios/suites/pds-provider.yaml").read(); print(re.search(r"^\s*- id:\s*\"?([A-Za-z0-9._-]+)", t, re.M).group(1))')"
cases="$(grep -cE '^\s*- id:' scenarios/suites/pds-provider.yaml)"
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { echo "command failed: $*" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
full=(); base=()
for i in $(seq "$runs"); do
  full+=("$(time_ms "$bin" test provider --against-simulator --out "$work/full-$i")")
  base+=("$(time_ms "$bin" test provider --against-simulator --only "$first" --out "$work/one-$i")")
done
python3 - "$cases" "${full[*]}" "${base[*]}" <<'PY'
import statistics, sys
cases = int(sys.argv[1])
full = [int(x) for x in sys.argv[2].split()]
base = [int(x) for x in sys.argv[3].split()]
f, b = statistics.median(full), statistics.median(base)
print(f"full suite ({cases} cases), median of {len(full)}: {f:.0f} ms  (runs: {full})")
print(f"baseline (1 case, same fixed costs):  {b:.0f} ms  (runs: {base})")
print(f"ratio full/baseline: {f/b:.2f}x; per case beyond the fixed costs: {(f-b)/max(cases-1,1):.1f} ms")
print(f"target: under 5000 ms: {'met' if f < 5000 else 'MISSED'}")
PY
