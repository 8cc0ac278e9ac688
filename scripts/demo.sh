#!/usr/bin/env bash
# The DPSynth demo: plan a DP-SGD budget, then draw and account noisy counts against a ledger.
# Later releases grow this into synthesize -> audit -> report on a public dataset.
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
echo
echo "Ledger written to $ledger"
