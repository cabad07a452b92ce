"""The vectors of signature.rs, from PyNaCl (the library of Discord's documented Python check):
`python3 -m venv v && v/bin/pip install pynacl && v/bin/python pynacl_vectors.py`."""
# Discord's documented check (interactions/overview, Python): VerifyKey(bytes.fromhex(PUBLIC_KEY)).verify(f'{timestamp}{body}'.encode(), bytes.fromhex(signature))
from nacl.signing import SigningKey, VerifyKey
sk = SigningKey(bytes(range(32)))
ts = "1733329800"
body = '{"id":"1316000000000000001","application_id":"1100000000000000001","type":1,"token":"cGluZw","version":1}'
sig = sk.sign(f"{ts}{body}".encode()).signature.hex()
print("public", sk.verify_key.encode().hex())
print("sig", sig)
VerifyKey(sk.verify_key.encode()).verify(f"{ts}{body}".encode(), bytes.fromhex(sig))
# ackbot's test key pair, signing the same: PyNaCl's signature must equal ours (Ed25519 is deterministic)
sk2 = SigningKey(b"ackbot's discord test key pair!!")
print("test public", sk2.verify_key.encode().hex())
print("test sig", sk2.sign(f"{ts}{body}".encode()).signature.hex())
