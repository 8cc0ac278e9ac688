# Sourced by the 10-million-row benchmarks: an Adult-like model to draw their tables from.
# adult_like WORK: writes WORK/schema.yaml (UCI Adult from ../shared/data/adult, coded as
# private-pgm ships it) and WORK/model.json (MST fitted on it at epsilon 10; seeded when SEED is
# set), or exits 2 when the shared data is missing. Also defines `now` and `seconds START END`.
now() { date +%s.%N; }
seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }
adult_like() {
    local work="$1" here shared adult
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    shared="${DPSYNTH_SHARED:-$here/../../../shared}"
    adult="$shared/data/adult/adult.csv"
    [ -f "$adult" ] || { echo "needs $adult (UCI Adult as private-pgm ships it); set DPSYNTH_SHARED" >&2; exit 2; }
    python3 - "$shared/data/adult/adult-domain.json" "$adult" > "$work/schema.yaml" <<'PY'
import json, sys
domain = json.load(open(sys.argv[1]))
header = open(sys.argv[2]).readline().strip().split(",")
print("name: adult_like")
print("columns:")
for name in header:
    print(f'  - {{name: "{name}", kind: coded, levels: {domain[name]}, missing: error}}')
PY
    "$dpsynth" synthesize --method mst --data "$adult" --schema "$work/schema.yaml" --epsilon 10 --delta 1e-9 \
        --rows 10 --out "$work/seed.csv" --model-out "$work/model.json" --ledger "$work/l.sqlite" --init-budget \
        ${SEED:+--seed "$SEED"} >/dev/null
}
