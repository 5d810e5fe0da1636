#!/usr/bin/env bash
# The main job for a newcomer: set the machine up, start a local single-node
# flotilla cluster and deploy compose-examples/counter on it, then say where it is.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ -f dist/apps/cli/src/main.js ] || npm run build --silent
node bin/flotilla.js compose -f compose-examples/counter/docker-compose.yml up -d
port=${COUNTER_PORT:-8000}
for _ in $(seq 1 50); do
  if body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null); then break; fi
  sleep 0.2
done
echo
echo "counter is up: http://127.0.0.1:$port/  ->  ${body:-<no answer yet>}"
echo "try:   npx flotilla compose -f compose-examples/counter/docker-compose.yml ps"
echo "       npx flotilla compose -f compose-examples/counter/docker-compose.yml logs"
echo "stop:  npx flotilla compose -f compose-examples/counter/docker-compose.yml down"
