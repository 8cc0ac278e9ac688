#!/usr/bin/env bash
# Writes a 1 GB CSV (quoted fields, embedded delimiters) under .data/, counts it with
# `dpsynth data count` and proposes its schema with `dpsynth schema infer`, reporting the time
# and the peak resident memory of each.
set -euo pipefail
dpsynth="$1"
file=".data/large-1gb.csv"
mkdir -p .data
if [ ! -f "$file" ]; then
    python3 - "$file" <<'PY'
import sys
row = '12345,"Smith, John",42.5,"a ""quoted"" word",Private,United-States\n'
target = 1 << 30
with open(sys.argv[1], "w") as handle:
    handle.write("id,name,score,note,workclass,country\n")
    block = row * 10000
    written = 0
    while written < target:
        handle.write(block)
        written += len(block)
PY
fi
ls -l "$file"
/usr/bin/time -f "counted in %e s, peak resident memory %M KB" "$dpsynth" data count "$file"
proposal=$(mktemp -d)
trap 'rm -rf "$proposal"' EXIT
/usr/bin/time -f "schema proposed in %e s, peak resident memory %M KB" "$dpsynth" schema infer "$file" \
    --out "$proposal/proposal.yaml" 2>&1 | grep -v '^dpsynth: warning'
