#!/usr/bin/env bash
# A 10-million-row Adult-like table in PostgreSQL against the same rows in CSV, in one sitting:
#   - the table: MST fitted on UCI Adult (../shared/data/adult, coded as private-pgm ships it),
#     then `dpsynth sample` writes ROWS rows (time and peak memory of a streamed write);
#   - loading it into a throwaway local PostgreSQL server (COPY);
#   - for each source, `dpsynth data marginals --ways 3` (every 3-way marginal of the 14 columns,
#     counted where the data lives) and `dpsynth synthesize --method aim --epsilon 1` end to end
#     (writing as many rows, streamed to CSV), with dpsynth's peak memory.
# Usage: Benchmarks/scale/postgres-10m.sh path/to/dpsynth [rows]   (ROWS default 10000000)
# With SEED set, the model the table is drawn from, the table's draw and AIM's fits are seeded
# (test runs), so that two binaries take one path: an unseeded fit's model size, and so its time
# and memory, follow its own noise.
set -euo pipefail
dpsynth="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
rows="${2:-10000000}"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/dpsynth-10m.XXXXXX)
cluster=$(mktemp -d /tmp/dpsynth-10m-cluster.XXXXXX)
trap 'bash "$here/../../scripts/postgres-servers.sh" stop "$cluster" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
. "$here/adult-like.sh"
adult_like "$work"

echo "== the table: MST on Adult, then $rows rows sampled and streamed to CSV =="
start=$(now)
/usr/bin/time -f "%M" -o "$work/sample.mem" "$dpsynth" sample --model "$work/model.json" --rows "$rows" \
    --out "$work/big.csv" ${SEED:+--seed "$SEED"} >/dev/null
echo "sample: $(seconds "$start" "$(now)") s, peak $(( $(tail -1 "$work/sample.mem") / 1024 )) MB, $(du -m "$work/big.csv" | cut -f1) MB of CSV"

server=$(bash "$here/../../scripts/postgres-servers.sh" start "$cluster" 1)
columns=$(head -1 "$work/big.csv" | tr ',' '\n' | sed 's/.*/"&" smallint/' | paste -sd, -)
psql -q "$server" -c "CREATE TABLE big ($columns)"
start=$(now)
psql -q "$server" -c "\\copy big FROM '$work/big.csv' WITH (FORMAT csv, HEADER true)"
psql -q "$server" -c "ANALYZE big"
echo "PostgreSQL load (COPY): $(seconds "$start" "$(now)") s"

count() {  # count LABEL DATA: every 3-way marginal of the 14 columns, counted where the data lives
    /usr/bin/time -f "%M" -o "$work/$1-count.mem" "$dpsynth" data marginals --data "$2" --schema "$work/schema.yaml" \
        --ways 3 > "$work/$1-count.txt"
    echo "$1: $(cat "$work/$1-count.txt"), peak $(( $(tail -1 "$work/$1-count.mem") / 1024 )) MB"
}
run() {  # run LABEL DATA: AIM at epsilon 1 end to end, writing as many rows as the table has, and
        # the final model's size (the peak memory follows the model's path, not the rows)
    start=$(now)
    /usr/bin/time -f "%M" -o "$work/$1.mem" "$dpsynth" synthesize --method aim --data "$2" \
        --schema "$work/schema.yaml" --epsilon 1 --delta 1e-9 --rows "$rows" --out "$work/$1-synthetic.csv" \
        --ledger "$work/ledger-$1.sqlite" --init-budget ${SEED:+--seed "$SEED"} > "$work/$1.out"
    echo "$1: AIM end to end $(seconds "$start" "$(now)") s, peak $(( $(tail -1 "$work/$1.mem") / 1024 )) MB," \
        "$(($(wc -l < "$work/$1-synthetic.csv") - 1)) rows written, $(grep -o 'model: [0-9]* cells' "$work/$1.out")"
}
echo "== counting every 3-way marginal of 14 columns =="
count csv "$work/big.csv"
count postgres "$server?table=public.big"
echo "== AIM at epsilon 1 from each source =="
run csv "$work/big.csv"
run postgres "$server?table=public.big"
