#!/usr/bin/env bash
# The database-free ledger commands: the RFC 6962 reference tree's roots and proofs, as published
# in tests/data/rfc6962, and verify-receipt on a receipt built by an independent implementation
# (tests/data/ledger/make_receipt.py), intact and tampered.
source "$(dirname "$0")/lib.sh"

leaves=$TMP/reference.txt
printf '%s\n' "" 00 10 2021 3031 40414243 5051525354555657 606162636465666768696a6b6c6d6e6f >"$leaves"
roots=(6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d
  fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125
  aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77
  d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7
  4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4
  76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef
  ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c
  5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328)

expect_exit 0 muster ledger root --leaves "$leaves"
assert_eq "root of the 8 reference leaves" "${roots[7]}" "$OUT"
for size in 1 2 3 4 5 6 7; do
  expect_exit 0 muster ledger root --leaves "$leaves" --size $size
  assert_eq "reference root at size $size" "${roots[size - 1]}" "$OUT"
done
expect_exit 0 muster ledger root --leaves - <"$leaves"
assert_eq "root from standard input" "${roots[7]}" "$OUT"

# b64hex FILE JQ_PATH: the base64 hashes at JQ_PATH in a vector file, as hex, one per line.
b64hex() { jq -r "$2 // [] | .[]" "$1" | while read -r b; do base64 -d <<<"$b" | od -An -tx1 -v | tr -d ' \n'; echo; done; }

# Every happy-path proof of the published vectors over the reference tree.
for f in "$TESTDATA"/rfc6962/inclusion/[0-9]*/happy-path.json; do
  index=$(jq .leafIdx "$f") size=$(jq .treeSize "$f")
  expect_exit 0 muster ledger prove-inclusion --leaves "$leaves" --index "$index" --size "$size"
  assert_eq "inclusion proof of leaf $index in tree $size" "$(b64hex "$f" .proof)" "$OUT"
done
for f in "$TESTDATA"/rfc6962/consistency/[0-9]*/happy-path.json; do
  from=$(jq .size1 "$f") to=$(jq .size2 "$f")
  expect_exit 0 muster ledger prove-consistency --leaves "$leaves" --from "$from" --to "$to"
  assert_eq "consistency proof $from -> $to" "$(b64hex "$f" .proof)" "$OUT"
done
expect_exit 0 muster --json ledger prove-inclusion --leaves "$leaves" --index 5
assert_eq "JSON inclusion proof" \
  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0 d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" \
  "$(jq -r 'join(" ")' <<<"$OUT")"
expect_exit 0 muster --json ledger root --leaves "$leaves"
assert_eq "JSON root" "8 ${roots[7]}" "$(jq -r '"\(.tree_size) \(.root)"' <<<"$OUT")"

expect_exit 2 muster ledger prove-inclusion --leaves "$leaves" --index 8 --size 8
assert_contains "index out of range" "$OUT" "not below tree size"
expect_exit 2 muster ledger prove-inclusion --leaves "$leaves" --index 0 --size 9
expect_exit 2 muster ledger prove-consistency --leaves "$leaves" --from 0 --to 8
expect_exit 2 muster ledger prove-consistency --leaves "$leaves" --from 5 --to 4
printf '00\nxyz\n' >"$TMP/bad.txt"
expect_exit 2 muster ledger root --leaves "$TMP/bad.txt"
assert_contains "bad hex names the line" "$OUT" "line 2"
expect_exit 2 muster ledger root --leaves "$TMP/missing.txt"
expect_exit 1 muster ledger prove-inclusion --leaves "$leaves"

# verify-receipt on the independently built receipt.
receipt=$TESTDATA/ledger/receipt.json
expect_exit 0 muster verify-receipt "$receipt"
assert_eq "verified" "receipt verified: summons 26-00000042-7 delivered at 2026-11-29T04:28:16.000Z, leaf 6 of 11" "$OUT"
expect_exit 0 muster verify-receipt "$receipt" --pubkey "$TESTDATA/ledger/ledger.pub"
expect_exit 0 muster --json verify-receipt "$receipt"
assert_eq "JSON verdict" "true 6 11" "$(jq -r '"\(.verified) \(.leaf_index) \(.tree_size)"' <<<"$OUT")"
expect_exit 0 muster ledger root --leaves "$TESTDATA/ledger/leaves.txt"
assert_eq "receipt's leaves give the checkpoint's root" "$(jq -r .checkpoint "$receipt" | sed -n 3p | base64 -d | od -An -tx1 -v | tr -d ' \n')" "$OUT"

# tampered JQ_FILTER CHECK: the receipt changed by the filter fails with exit 2 naming CHECK.
tampered() {
  jq "$1" "$receipt" >"$TMP/tampered.json"
  expect_exit 2 muster verify-receipt "$TMP/tampered.json"
  assert_contains "tampered ($1)" "$OUT" "receipt not verified: $2"
}
tampered '.summons.office = "D02"' "summons hash:"
tampered '.leaf |= sub("04:28:16"; "04:28:15")' "inclusion proof:"
tampered '.leaf_index = 5' "inclusion proof:"
tampered '.tree_size = 12' "tree size:"
tampered '.inclusion_proof[0] |= sub("^."; "0")' "inclusion proof:"
tampered '.inclusion_proof |= .[1:]' "inclusion proof:"
tampered '.checkpoint |= sub("\n11\n"; "\n12\n")' "signature:"
tampered '.public_key |= sub("AQOh"; "AQOi")' "malformed field public_key"
tampered '.version = 2' "malformed field version"
tampered 'del(.leaf)' "malformed field leaf"

# Another key under the same name (seed 01 01 .. 01): the receipt is not signed by it.
printf '%s\n' "muster.example/ledger+efd5a8e4+AYqI4910CfGV/VLbLTy6XXLKZwm/HZQSG/N0iAG0D29c" >"$TMP/other.pub"
expect_exit 2 muster verify-receipt "$receipt" --pubkey "$TMP/other.pub"
assert_contains "another trusted key" "$OUT" "receipt not verified: signature:"
printf 'muster.example/ledger+00000000+AAAA\n' >"$TMP/broken.pub"
expect_exit 2 muster verify-receipt "$receipt" --pubkey "$TMP/broken.pub"
assert_contains "broken key file" "$OUT" "verifier key"
expect_exit 2 muster verify-receipt "$TMP/missing.json"
printf 'not json' >"$TMP/garbage.json"
expect_exit 2 muster verify-receipt "$TMP/garbage.json"
assert_contains "garbage" "$OUT" "malformed receipt"

finish
