#!/usr/bin/env bash
# `muster --config FILE`: the deployment file is read before the server listens, and a mistake
# in it stops the server with every problem named by line and key, and exit 2.
source "$(dirname "$0")/lib.sh"

muster init >/dev/null
printf '[smtp]\nhost = "127.0.0.1"\nport = 99999\nfrom = "nobody"\n[webhook]\nurl = "http://127.0.0.1:9/notify"\nsecret_file = "missing.secret"\n' \
  > "$TMP/bad.toml"
expect_exit 2 muster --config "$TMP/bad.toml" serve --listen 127.0.0.1:0 --threads 1
assert_contains "the port's line" "$OUT" "bad.toml:3: smtp.port: expected 1 to 65535"
assert_contains "the sender's line" "$OUT" "bad.toml:4: smtp.from: expected an address"
assert_contains "the secret file's line" "$OUT" "bad.toml:7: webhook.secret_file: cannot read"

expect_exit 1 muster --config "$TMP/absent.toml" serve --listen 127.0.0.1:0  # a usage error
assert_contains "a missing file" "$OUT" "absent.toml"

# A good file: the server starts and stops as without one.
printf 'k3y\n' > "$TMP/hook.secret"
printf '[webhook]\nurl = "http://127.0.0.1:9/notify"\nsecret_file = "hook.secret"\n' > "$TMP/good.toml"
"$MUSTER" "${DB_ARGS[@]}" --config "$TMP/good.toml" serve --listen 127.0.0.1:0 --threads 1 > "$TMP/serve.out" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 100); do
  grep -q 'listening on' "$TMP/serve.out" && break
  sleep 0.1
done
assert_contains "listening with a deployment file" "$(cat "$TMP/serve.out")" "listening on http://127.0.0.1:"
kill -TERM $server
wait $server
rc=$?
assert_eq "a clean stop" "0" "$rc"
trap 'rm -rf "$TMP"' EXIT

finish
