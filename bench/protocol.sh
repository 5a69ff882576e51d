#!/usr/bin/env bash
# Runs the protocol benchmark (parse a getPatientDetails request, build a full
# getPatientDetailsResponse) and prints each figure beside its same-run baseline as a ratio.
# Usage: bash bench/protocol.sh [extra criterion args]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p smsp-protocol --bench protocol -- --warm-up-time 2 --measurement-time 5 "$@" >/dev/null
python3 - <<'PY'
import json, pathlib
root = pathlib.Path("target/criterion")
def median_ns(group, name):
    est = json.loads((root / group / name / "new" / "estimates.json").read_text())
    return est["median"]["point_estimate"]
rows = [
    ("parse", "getPatientDetails_request", "baseline_quick_xml_tokenise", 20_000),
    ("build", "getPatientDetailsResponse_full", "baseline_copy_bytes", 20_000),
]
print(f"{'measurement':<42} {'median':>10} {'baseline':>10} {'ratio':>7} {'target':>8}")
for group, name, base, target in rows:
    m, b = median_ns(group, name), median_ns(group, base)
    verdict = "ok" if m < target else "OVER"
    print(f"{group + '/' + name:<42} {m/1000:>8.2f}µs {b/1000:>8.2f}µs {m/b:>6.1f}x {target/1000:>6.0f}µs {verdict}")
PY
