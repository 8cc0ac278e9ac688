#!/usr/bin/env bash
# The DPSynth demo: plan a DP-SGD budget, draw and account noisy counts against a ledger, then
# release UCI Adult end to end: synthesize (AIM) -> DP gate -> utility -> attack audit -> signed reports.
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

echo "== 6. Release UCI Adult: AIM at epsilon 1 (0.95 synthesis + 0.05 DP gate) -> utility -> attacks -> signed reports =="
rm -rf .data/demo/release
"$dpsynth" keys generate --out .data/demo/keys/release.key --force
status=0
"$dpsynth" release --config Examples/release.yaml || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then exit "$status"; fi

echo "== 7. Verify the signed report and the data it names; a changed byte is caught =="
"$dpsynth" verify .data/demo/release/report.json --public-key .data/demo/keys/release.key.pub
if [ "$status" -eq 0 ]; then
    "$dpsynth" verify .data/demo/release/report.public.json --public-key .data/demo/keys/release.key.pub \
        --data .data/demo/release/adult-synthetic.csv
else
    "$dpsynth" verify .data/demo/release/report.public.json --public-key .data/demo/keys/release.key.pub --report-only
fi
cp .data/demo/release/report.json "$work/tampered-report.json"
cp .data/demo/release/report.json.sig "$work/tampered-report.json.sig"
sed -i '0,/"epsilon" : [0-9]/s/"epsilon" : [0-9.eE+-]*/"epsilon" : 9/' "$work/tampered-report.json"
cmp -s .data/demo/release/report.json "$work/tampered-report.json" && { echo "the tamper step changed nothing" >&2; exit 1; }
if "$dpsynth" verify "$work/tampered-report.json" --public-key .data/demo/keys/release.key.pub --report-only; then
    echo "unexpected: a tampered report verified" >&2
    exit 1
fi
echo
echo "Confidential report: .data/demo/release/report.html (summary: .data/demo/release/report.md, signed JSON: .data/demo/release/report.json)"
echo "Public report (DP figures only): .data/demo/release/report.public.html (signed JSON: .data/demo/release/report.public.json)"
