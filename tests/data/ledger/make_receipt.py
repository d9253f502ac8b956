#!/usr/bin/env python3
"""Writes receipt.json and ledger.pub: a delivery receipt built without muster's code.

An independent implementation (Python's hashlib and json, OpenSSL 3 for Ed25519) of the receipt
format in src/ledger/receipt.hpp, so that `muster verify-receipt` is checked against something
it did not produce. Deterministic: the key is the fixed seed 00 01 .. 1f.

Usage: tests/data/ledger/make_receipt.py   (rewrites the two files beside it)
"""
import base64, hashlib, json, os, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = "muster.example/ledger"
SEED = bytes(range(32))


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(hashes):
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return node(mth(hashes[:k]), mth(hashes[k:]))


def path(m, hashes):
    if len(hashes) <= 1:
        return []
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    if m < k:
        return path(m, hashes[:k]) + [mth(hashes[k:])]
    return path(m - k, hashes[k:]) + [mth(hashes[:k])]


def ed25519(message):
    der = bytes.fromhex("302e020100300506032b657004220420") + SEED
    with tempfile.TemporaryDirectory() as tmp:
        key, msg = os.path.join(tmp, "key.der"), os.path.join(tmp, "msg")
        open(key, "wb").write(der)
        open(msg, "wb").write(message)
        sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-keyform", "DER", "-inkey", key, "-rawin", "-in", msg],
                             check=True, capture_output=True).stdout
        pub = subprocess.run(["openssl", "pkey", "-inform", "DER", "-in", key, "-pubout", "-outform", "DER"],
                             check=True, capture_output=True).stdout[-32:]
    return pub, sig


summons = {"number": "26-00000042-7", "person": "p:3f9a2c", "office": "D01", "kind": "conscription",
           "appear_at": "2026-12-10T09:00:00.000Z", "place": "Центральный военкомат, каб. 4"}
leaves = []
for seq in range(11):
    event = {"seq": seq, "type": "summons.issued", "time": f"2026-11-29T04:28:{10 + seq:02}.000Z",
             "actor": "system", "subject": f"26-000000{seq:02}-1"}
    if seq == 6:
        event.update({"type": "summons.delivered", "subject": summons["number"],
                      "summons_sha256": hashlib.sha256(canonical(summons)).hexdigest()})
    leaves.append(canonical(event))
hashes = [leaf_hash(l) for l in leaves]
root = mth(hashes)
body = f"{NAME}\n{len(leaves)}\n{base64.b64encode(root).decode()}\n".encode()
pub, sig = ed25519(body)
key_id = hashlib.sha256(NAME.encode() + b"\n\x01" + pub).digest()[:4]
note = body + b"\n" + "\u2014 ".encode() + NAME.encode() + b" " + base64.b64encode(key_id + sig) + b"\n"
vkey = NAME + "+" + key_id.hex() + "+" + base64.b64encode(b"\x01" + pub).decode()
receipt = {"version": 1, "summons": summons, "leaf": leaves[6].decode(), "leaf_index": 6,
           "tree_size": len(leaves), "inclusion_proof": [h.hex() for h in path(6, hashes)],
           "checkpoint": note.decode(), "public_key": vkey}
with open(os.path.join(HERE, "receipt.json"), "w", encoding="utf-8") as out:
    json.dump(receipt, out, indent=2, ensure_ascii=False)
    out.write("\n")
with open(os.path.join(HERE, "ledger.pub"), "w") as out:
    out.write(vkey + "\n")
with open(os.path.join(HERE, "leaves.txt"), "w") as out:
    out.write("".join(l.hex() + "\n" for l in leaves))
