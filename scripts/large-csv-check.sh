#!/usr/bin/env bash
# Writes a 1 GB CSV (quoted fields, embedded delimiters) under .data/ and counts it with
# `dpsynth data count`, reporting the time and the peak resident memory.
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
