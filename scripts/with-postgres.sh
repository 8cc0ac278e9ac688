#!/usr/bin/env bash
# Runs a command beside two throwaway PostgreSQL clusters (two, for the sharding tests): their
# URLs are in DPSYNTH_TEST_POSTGRES, separated by spaces. The clusters are stopped and their
# folder removed when the command ends, whatever its status.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
folder=$(mktemp -d /tmp/dpsynth-postgres.XXXXXX)
trap 'bash "$here/postgres-servers.sh" stop "$folder"' EXIT
urls=$(bash "$here/postgres-servers.sh" start "$folder" 2)
export DPSYNTH_TEST_POSTGRES="$(echo $urls)"
"$@"
