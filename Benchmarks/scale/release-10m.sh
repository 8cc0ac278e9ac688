#!/usr/bin/env bash
# `dpsynth release` end to end on a 10-million-row Adult-like table, with its peak memory:
#   - the tables: MST fitted on UCI Adult (../shared/data/adult, coded as private-pgm ships it),
#     then `dpsynth sample` writes ROWS training rows and ROWS/5 holdout rows (other draws);
#   - the release: AIM at epsilon 1 (delta 1e-9), the DP release gate (epsilon 0.05), attacks on
#     income, utility (TSTR on income) and the signed report, as a user's config would ask.
# Prints the run's time, peak memory, exit status, the gate's lines, the report's subsample sizes
# and its 3-way TVD and TSTR AUC.
# Usage: Benchmarks/scale/release-10m.sh path/to/dpsynth [rows]   (ROWS default 10000000)
set -euo pipefail
dpsynth="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
rows="${2:-10000000}"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/dpsynth-release-10m.XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$here/adult-like.sh"
adult_like "$work"

echo "== the tables: MST on Adult, then $rows training and $((rows / 5)) holdout rows =="
"$dpsynth" sample --model "$work/model.json" --rows "$rows" --out "$work/big.csv" >/dev/null
"$dpsynth" sample --model "$work/model.json" --rows "$((rows / 5))" --out "$work/holdout.csv" >/dev/null
"$dpsynth" keys generate --out "$work/release.key" >/dev/null
cat > "$work/release.yaml" <<YAML
data: big.csv
holdout: holdout.csv
schema: schema.yaml
method: aim
epsilon: 1
delta: 1e-9
ledger: release-ledger.sqlite
dataset: adult_like_10m
dataset_budget: {epsilon: 1, delta: 1e-9}
out: release/synthetic.csv
quarantine: release/quarantine
report: release/report
signing_key: release.key
audit:
  secrets: ["income>50K"]
  quasi_identifiers: [age, sex, race, marital-status, education-num, native-country]
gate: {epsilon: 0.05, max_advantage: 0.05}
utility:
  target: "income>50K"
  positive: "1"
YAML

echo "== dpsynth release =="
start=$(now)
status=0
/usr/bin/time -f "%M" -o "$work/release.mem" "$dpsynth" release --config "$work/release.yaml" \
    > "$work/release.out" 2> "$work/release.err" || status=$?
echo "release: $(seconds "$start" "$(now)") s, peak $(( $(tail -1 "$work/release.mem") / 1024 )) MB, exit $status"
head -5 "$work/release.out"
python3 - "$work/release/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
utility = report.get("utility", {})
print("3-way TVD:", utility.get("meanThreeWayTVD"))
for classifier in utility.get("classifiers", []):
    print("TSTR AUC:", classifier.get("syntheticAUC"), "(trained on real:", classifier.get("realAUC"), ")")
print("audit subsample:", json.dumps(report.get("audit", {}).get("sample")))
PY
