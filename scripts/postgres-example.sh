#!/usr/bin/env bash
# The README's "Data in PostgreSQL" example, runnable on one machine: starts a throwaway local
# PostgreSQL server, loads UCI Adult into a table (integers as integers, text as text), then
#   1. proposes a schema from the table (read from the data: a private proposal),
#   2. synthesizes with AIM, counting every marginal inside the database,
#   3. charges a ledger that lives in the same database,
# and stops the server. Usage: scripts/postgres-example.sh path/to/dpsynth
set -euo pipefail
dpsynth="$1"
here=$(cd "$(dirname "$0")" && pwd)
data="$here/../.data/datasets/adult/adult-train.csv"
[ -f "$data" ] || python3 "$here/fetch-datasets.py"
folder=$(mktemp -d /tmp/dpsynth-pg-example.XXXXXX)
cluster=$(mktemp -d /tmp/dpsynth-pg-cluster.XXXXXX)
trap 'bash "$here/postgres-servers.sh" stop "$cluster"; rm -rf "$folder"' EXIT
server=$(bash "$here/postgres-servers.sh" start "$cluster" 1)
echo "== a local server: $server =="

integer_columns="age fnlwgt education-num capital-gain capital-loss hours-per-week"
columns=$(head -1 "$data" | tr ',' '\n' | while read -r name; do
    case " $integer_columns " in *" $name "*) echo "\"$name\" integer" ;; *) echo "\"$name\" text" ;; esac
done | paste -sd, -)
psql -q "$server" -c "CREATE TABLE adult ($columns)"
psql -q "$server" -c "\\copy adult FROM '$data' WITH (FORMAT csv, HEADER true)"
echo "loaded $(psql -At "$server" -c 'SELECT count(*) FROM adult') rows into table adult"
table="$server?table=public.adult"

echo "== 1. schema infer from the table (a private proposal: review before use) =="
"$dpsynth" schema infer "$table" --dataset adult-pg | head -12

echo "== 2. AIM at epsilon 1: the marginals are counted in the database; only counts leave it =="
"$dpsynth" synthesize --method aim --data "$table" --schema "$here/../Examples/schemas/adult.yaml" \
    --epsilon 1 --rows 1000 --out "$folder/synthetic.csv" --ledger "$server" --dataset adult-pg --init-budget
head -3 "$folder/synthetic.csv"

echo "== 3. the ledger, in the database's dpsynth_ledger schema =="
"$dpsynth" ledger show --ledger "$server" --dataset adult-pg
"$dpsynth" ledger verify --ledger "$server"
