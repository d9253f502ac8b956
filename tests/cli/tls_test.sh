#!/usr/bin/env bash
# `muster serve --tls-cert --tls-key` serves HTTPS; plain HTTP to the same port is refused.
source "$(dirname "$0")/lib.sh"

muster init >/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>&1 || fail "openssl could not make a certificate"

"$MUSTER" --db "$TMP/test.db" serve --listen 127.0.0.1:0 --threads 1 \
  --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem" > "$TMP/serve.out" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$TMP"' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'https://127.0.0.1:[0-9]*' "$TMP/serve.out" | head -1)
  [[ -n $url ]] && break
  sleep 0.1
done
CHECKS=$((CHECKS + 1))
[[ -n $url ]] || fail "the server did not say it listens on https: $(cat "$TMP/serve.out")"

expect_exit 0 curl -sS --noproxy '*' --cacert "$TMP/cert.pem" "$url/healthz"
assert_contains "health over TLS" "$OUT" "ok"
expect_exit 0 curl -sS --noproxy '*' --cacert "$TMP/cert.pem" -o /dev/null -w '%{http_code}' "$url/api/v1/nope"
assert_eq "problem over TLS" "404" "$OUT"
plain=${url/https:/http:}
CHECKS=$((CHECKS + 1))
if curl -s --noproxy '*' --max-time 5 "$plain/healthz" 2>/dev/null | grep -q ok; then
  fail "plain HTTP was answered on the TLS port"
fi

finish
