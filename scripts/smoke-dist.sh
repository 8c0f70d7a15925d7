#!/usr/bin/env bash
# Runs the compiled services (npm run build) as separate processes, as docker-compose does,
# against a fresh database on $SERVER_URL, and makes one token request and one query through
# the gateway. Catches what only the compiled output shows (ESM paths, circular imports).
set -euo pipefail
SERVER_URL=${SERVER_URL:-postgresql://postgres@127.0.0.1:5432/test}
DB=idgw_smoke_$$
BASE=${SMOKE_PORT_BASE:-4710}
logs=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$SERVER_URL" -qc "drop database if exists $DB with (force)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
psql "$SERVER_URL" -qc "create database $DB"

export DATABASE_URL="${SERVER_URL%/*}/$DB"
export INTERNAL_SECRET=$(node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))")
export BOOTSTRAP_CLIENT_ID=cid_smoke
export BOOTSTRAP_CLIENT_SECRET=$(node -e "console.log('cs_' + require('crypto').randomBytes(32).toString('base64url'))")
export PUBLIC_URL=http://127.0.0.1:$BASE HOST=127.0.0.1
export ORGANIZATIONS_URL=http://127.0.0.1:$((BASE + 1)) IDENTITIES_URL=http://127.0.0.1:$((BASE + 2)) ACCESS_URL=http://127.0.0.1:$((BASE + 3))

node dist/scripts/migrate.js
start() { PORT=$2 node "dist/$1" >"$logs/$(basename "$(dirname "$1")").log" 2>&1 & pids+=($!); }
start subgraphs/identities/main.js $((BASE + 2))
start subgraphs/organizations/main.js $((BASE + 1))
start subgraphs/access/main.js $((BASE + 3))
start gateway/main.js "$BASE"

ready=no
for _ in $(seq 1 60); do
  if curl -sf "$PUBLIC_URL/readyz" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 0.5
done
if [ "$ready" != yes ]; then tail -n 30 "$logs"/*.log; echo "compiled services did not become ready"; exit 1; fi

token=$(curl -sf -u "$BOOTSTRAP_CLIENT_ID:$BOOTSTRAP_CLIENT_SECRET" -d grant_type=client_credentials "$PUBLIC_URL/oauth/token" |
  node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
answer=$(curl -sf "$PUBLIC_URL/graphql" -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"query":"mutation { createOrganization(input: { name: \"Smoke\" }) { label serviceAccounts { totalCount } permissions { action allowed } } }"}')
echo "$answer" | node -e '
  const r = JSON.parse(require("fs").readFileSync(0));
  const o = r.data && r.data.createOrganization;
  if (!o || o.label !== "smoke" || o.serviceAccounts.totalCount !== 0 || !o.permissions.every((p) => p.allowed)) {
    console.error("unexpected answer:", JSON.stringify(r)); process.exit(1);
  }
  console.log("compiled services: token issued, organization created across three subgraphs");'
# The playground's own script and stylesheet are not TypeScript: the build copies them (package.json "build").
page=$(curl -sf "$PUBLIC_URL/playground")
for asset in $(echo "$page" | grep -o 'playground/assets/[^"]*'); do
  curl -sf -o /dev/null "$PUBLIC_URL/$asset" || { echo "compiled gateway: $asset of /playground is missing"; exit 1; }
done
echo "compiled gateway: /playground and its assets served"
# The same for the invitation page (its assets are relative to /invitations/accept).
page=$(curl -sf "$PUBLIC_URL/invitations/accept")
for asset in $(echo "$page" | grep -o 'assets/accept\.[^"]*'); do
  curl -sf -o /dev/null "$PUBLIC_URL/invitations/$asset" || { echo "compiled gateway: $asset of /invitations/accept is missing"; exit 1; }
done
echo "compiled gateway: /invitations/accept and its assets served"
# And the sign-in page (its assets are relative to /sign-in).
page=$(curl -sf "$PUBLIC_URL/sign-in")
for asset in $(echo "$page" | grep -o 'sign-in/assets/[^"]*'); do
  curl -sf -o /dev/null "$PUBLIC_URL/$asset" || { echo "compiled gateway: $asset of /sign-in is missing"; exit 1; }
done
echo "compiled gateway: /sign-in and its assets served"
