#!/usr/bin/env bash
# The DPSynth demo: plan a DP-SGD budget, draw and account noisy counts against a ledger, and
# synthesize UCI Adult with AIM. Later releases grow this into synthesize -> audit -> report.
set -euo pipefail
dpsynth="$1"
work=".data/demo"
mkdir -p "$work"
ledger="$work/ledger-$(date +%Y%m%d-%H%M%S).sqlite"

echo "== 1. Plan a DP-SGD budget (Adult-sized: 39,074 rows, batch 256, 20 epochs) =="
rate=$(awk 'BEGIN { printf "%.10f", 256 / 39074 }')
steps=$(( 20 * 39074 / 256 ))
"$dpsynth" accountant noise --target-epsilon 1 --delta 1e-5 --sampling-rate "$rate" --steps "$steps" --accountant rdp --json
"$dpsynth" accountant noise --target-epsilon 1 --delta 1e-5 --sampling-rate "$rate" --steps "$steps" --accountant pld --json

echo "== 2. Declare the dataset's budget =="
"$dpsynth" ledger init --ledger "$ledger" --dataset demo-counts --epsilon 1 --delta 1e-6

echo "== 3. Release noisy counts (charged before the noise is drawn) =="
"$dpsynth" mechanism release --ledger "$ledger" --dataset demo-counts --kind discrete-laplace --scale 4 --values 1203,455,87
"$dpsynth" mechanism release --ledger "$ledger" --dataset demo-counts --kind discrete-gaussian --scale 10 --values 1203,455,87

echo "== 4. A release past the budget is refused =="
if "$dpsynth" mechanism release --ledger "$ledger" --dataset demo-counts --kind discrete-laplace --scale 1 --values 5; then
    echo "unexpected: the overspend was accepted" >&2
    exit 1
fi

echo "== 5. The ledger =="
"$dpsynth" ledger show --ledger "$ledger" --dataset demo-counts

echo "== 6. Synthesize UCI Adult with AIM at epsilon 1 (budget declared, every step charged) =="
"$dpsynth" ledger init --ledger "$ledger" --dataset adult --epsilon 1 --delta 1e-9
"$dpsynth" synthesize --data .data/datasets/adult/adult-train.csv --schema Examples/schemas/adult.yaml \
    --epsilon 1 --delta 1e-9 --method aim --rows 32561 --out "$work/adult-synthetic.csv" \
    --ledger "$ledger" --dataset adult --model-out "$work/adult-aim-model.json"
head -4 "$work/adult-synthetic.csv"
"$dpsynth" ledger show --ledger "$ledger" --dataset adult > "$work/adult-ledger.txt"
head -3 "$work/adult-ledger.txt"
echo "($(grep -c '^#' "$work/adult-ledger.txt") charges; full statement in $work/adult-ledger.txt)"
echo
echo "Synthetic data: $work/adult-synthetic.csv"
echo "Ledger written to $ledger"
