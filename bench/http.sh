#!/usr/bin/env bash
# HTTP benchmarks (DESIGN §7), each against nginx on loopback in the same run:
#  1. the exit check (GET /api/v1/exit-check/{id}, border API key, answered from the in-memory
#     index) against nginx returning a fixed JSON body of the same size;
#  2. the citizen's cabinet (GET /api/v1/me/summonses, session token, read from SQLite) against
#     nginx returning the same body muster returns.
# wrk runs with the same threads, connections and duration against both; muster and nginx each
# get SERVER_THREADS threads/workers. Client and servers share the machine's cores.
# Targets: exit check >= 0.7 of nginx's requests/s with p99 <= 2x nginx's; cabinet >= 0.5.
#
# Usage: bench/http.sh [path/to/muster]
#   env: PERSONS=20000 WRK_THREADS=1 CONNECTIONS=32 DURATION=10s SERVER_THREADS=2 PORT=18181
set -euo pipefail

MUSTER=${1:-build/muster}
PERSONS=${PERSONS:-20000}
WRK_THREADS=${WRK_THREADS:-1}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-10s}
SERVER_THREADS=${SERVER_THREADS:-2}
PORT=${PORT:-18181}
NGINX_PORT=$((PORT + 1))
[[ -x $MUSTER ]] || { echo "bench/http.sh: no muster binary at $MUSTER (build first)" >&2; exit 1; }
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "bench/http.sh: $tool missing: run scripts/install-deps --bench" >&2; exit 1; }
done
MUSTER=$(realpath "$MUSTER")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/muster-http-bench.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
export no_proxy='*' NO_PROXY='*'
db=$WORK/bench.db
m() { "$MUSTER" --db "$db" "$@"; }

echo "setting up: $PERSONS persons"
"$MUSTER" demo-data --persons "$PERSONS" --offices 10 --seed 1 --out "$WORK/demo" >/dev/null
m init >/dev/null
m import offices "$WORK/demo/offices.csv" >/dev/null
m import persons "$WORK/demo/persons.csv" >/dev/null
border_key=$(m apikey create --role border --name bench-border)
# The citizen: the first conscript of the first office who can be summoned; two summonses.
office=$(sed -n 2p "$WORK/demo/offices.csv" | cut -d, -f1)
appear() { date -u -d "+$1 days" +%Y-%m-%dT09:00:00Z; }
citizen=""
for nid in $(m person list --district "$office" --limit 200 | awk '$3 == "conscript" {print $1}'); do
  if m summons issue "$nid" --office "$office" --kind conscription --appear-at "$(appear 20)" \
      --place "Room 1" --purpose "Medical board" >/dev/null 2>&1; then
    citizen=$nid
    break
  fi
done
[[ -n $citizen ]] || { echo "bench/http.sh: no eligible conscript found" >&2; exit 1; }
m summons issue "$citizen" --office "$office" --kind data_verification --appear-at "$(appear 40)" \
  --place "Room 2" --purpose "Data check" >/dev/null
code=$(m user activation-code "$citizen")

"$MUSTER" --db "$db" serve --listen "127.0.0.1:$PORT" --threads "$SERVER_THREADS" --sweep-interval 0 \
  >"$WORK/serve.out" 2>"$WORK/serve.err" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
password=bench-password-1
curl -sf -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/api/v1/activation" \
  -d "{\"national_id\":\"$citizen\",\"code\":\"$code\",\"password\":\"$password\"}" >/dev/null
token=$(curl -sf -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/api/v1/session" \
  -d "{\"login\":\"$citizen\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
exit_url="http://127.0.0.1:$PORT/api/v1/exit-check/$citizen"
cabinet_url="http://127.0.0.1:$PORT/api/v1/me/summonses"
exit_body=$(curl -sf -H "Authorization: Bearer $border_key" "$exit_url")
cabinet_body=$(curl -sf -H "Authorization: Bearer $token" "$cabinet_url")

# nginx with the same bodies, as the fixed answer of each location.
mkdir -p "$WORK/nginx"
printf '%s' "$exit_body" >"$WORK/nginx/exit.json"
printf '%s' "$cabinet_body" >"$WORK/nginx/cabinet.json"
user_line=""
[[ $(id -u) -eq 0 ]] && user_line="user root;"
cat >"$WORK/nginx/nginx.conf" <<CONF
$user_line
daemon off;
worker_processes $SERVER_THREADS;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT reuseport;
    default_type application/json;
    location /exit { alias $WORK/nginx/exit.json; }
    location /cabinet { alias $WORK/nginx/cabinet.json; }
  }
}
CONF
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$NGINX_PORT/exit" >/dev/null && break; sleep 0.1; done

# wrk_run URL [HEADER]: prints "requests_per_second p99_ms".
wrk_run() {
  local out
  if [[ -n ${2:-} ]]; then
    out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$2" "$1")
  else
    out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1")
  fi
  if grep -q "Non-2xx" <<<"$out"; then echo "bench/http.sh: non-2xx answers from $1" >&2; echo "$out" >&2; exit 1; fi
  local rps p99
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v/=1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v*=1000}; print v}' <<<"$out")
  echo "$rps $p99"
}

echo "wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION; muster --threads $SERVER_THREADS, nginx worker_processes $SERVER_THREADS"
printf '%-12s %12s %10s %12s %10s %9s %9s  %s\n' work "muster r/s" "p99 ms" "nginx r/s" "p99 ms" "r/s ratio" "p99 ratio" target
bench() {  # bench NAME MUSTER_URL HEADER NGINX_URL TARGET
  read -r m_rps m_p99 < <(wrk_run "$2" "$3")
  read -r n_rps n_p99 < <(wrk_run "$4")
  awk -v name="$1" -v mr="$m_rps" -v mp="$m_p99" -v nr="$n_rps" -v np="$n_p99" -v target="$5" \
    'BEGIN { printf "%-12s %12.0f %10.2f %12.0f %10.2f %9.2f %9.2f  %s\n", name, mr, mp, nr, np, mr / nr, mp / np, target }'
}
bench exit-check "$exit_url" "Authorization: Bearer $border_key" "http://127.0.0.1:$NGINX_PORT/exit" ">= 0.70, p99 <= 2"
bench cabinet "$cabinet_url" "Authorization: Bearer $token" "http://127.0.0.1:$NGINX_PORT/cabinet" ">= 0.50"
