#!/usr/bin/python3
"""dkimpy (Debian python3-dkim) as an independent signer and verifier for the corpus tests.

One process handles a whole batch: a JSON request on stdin, a JSON answer on stdout.
  {"op": "sign", "jobs": [{"message": b64, "selector", "domain", "key": path, "alg",
                           "canon": "relaxed/simple", "length": bool, "headers": [...] | null}]}
      -> [{"header": b64} | {"error": str}]
  {"op": "bench", "keys": path, "files": [path...], "seconds": s} -> [{"count", "elapsed", "ok"}]
  {"op": "verify", "keys": path, "now": unix seconds, "files": [path...]}
      -> [[{"ok": bool, "error": str | null}, ...one per signature, topmost first], ...]
Keys come from the key file only (`NAME TXT-VALUE` lines): no DNS.
"""
import base64
import json
import logging
import sys
import time

import dkim


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


class UnsignedFrom(bytes):
    """A header name that claims to be "from" to dkimpy's "From MUST be signed" check only.

    Compliant signers refuse to leave From unsigned (RFC 6376 5.4); old ones did not, and a
    verifier must still handle their mail. This lets dkimpy sign such a message for the corpus.
    """

    def __eq__(self, other):
        return other == b"from" or bytes.__eq__(self, other)

    __hash__ = bytes.__hash__

    def lower(self):
        return self


def sign(jobs):
    out = []
    for job in jobs:
        try:
            message = base64.b64decode(job["message"])
            with open(job["key"], "rb") as f:
                key = f.read().strip()
            h, b = job.get("canon", "relaxed/simple").split("/")
            header = dkim.sign(
                message,
                job["selector"].encode(),
                job["domain"].encode(),
                key,
                canonicalize=(h.encode(), b.encode()),
                signature_algorithm=job.get("alg", "rsa-sha256").encode(),
                include_headers=(
                    [x.encode() for x in job["headers"]] + ([UnsignedFrom(b"to")] if job.get("unsignedFrom") else [])
                )
                if job.get("headers")
                else None,
                length=bool(job.get("length")),
            )
            out.append({"header": base64.b64encode(header).decode()})
        except Exception as e:  # reported per job; the batch goes on
            out.append({"error": "%s: %s" % (type(e).__name__, e)})
    return out


def verify(keys_path, now, files):
    keys = {}
    with open(keys_path, "rb") as f:
        for line in f:
            line = line.rstrip(b"\r\n")
            if not line or line.startswith(b"#"):
                continue
            name, _, value = line.partition(b" ")
            keys.setdefault(name.lower().rstrip(b"."), []).append(value)

    def dnsfunc(name, timeout=5):
        records = keys.get(name.lower().rstrip(b"."), [])
        return records[0] if len(records) == 1 else None

    if now is not None:
        time.time = lambda: float(now)
    results = []
    for path in files:
        with open(path, "rb") as f:
            message = f.read()
        per = []
        try:
            d = dkim.DKIM(message, minkey=1024)
            count = len([1 for (k, _) in d.headers if k.lower() == b"dkim-signature"])
        except Exception as e:
            results.append([{"ok": False, "error": "parse: %s" % e}])
            continue
        for idx in range(count):
            logger = logging.getLogger("dkimpy-%d" % len(results))
            collect = Collect()
            logger.handlers = [collect]
            logger.propagate = False
            d = dkim.DKIM(message, minkey=1024, logger=logger)
            try:
                ok = bool(d.verify(idx=idx, dnsfunc=dnsfunc))
                per.append({"ok": ok, "error": None if ok else ("; ".join(collect.messages) or "signature did not verify")})
            except Exception as e:
                per.append({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
        results.append(per)
    return results


def bench(keys_path, files, seconds):
    """Verifies each file repeatedly for `seconds`; [{"count", "elapsed", "ok"}] (no process start-up in it)."""
    keys = {}
    with open(keys_path, "rb") as f:
        for line in f:
            name, _, value = line.rstrip(b"\r\n").partition(b" ")
            if name:
                keys.setdefault(name.lower().rstrip(b"."), []).append(value)

    def dnsfunc(name, timeout=5):
        records = keys.get(name.lower().rstrip(b"."), [])
        return records[0] if records else None

    out = []
    for path in files:
        with open(path, "rb") as f:
            message = f.read()
        ok = bool(dkim.verify(message, dnsfunc=dnsfunc))
        count = 0
        started = time.perf_counter()
        while True:
            dkim.verify(message, dnsfunc=dnsfunc)
            count += 1
            elapsed = time.perf_counter() - started
            if elapsed >= seconds and count >= 3:
                break
        out.append({"count": count, "elapsed": elapsed, "ok": ok})
    return out


def main():
    request = json.load(sys.stdin)
    if request["op"] == "sign":
        json.dump(sign(request["jobs"]), sys.stdout)
    elif request["op"] == "bench":
        json.dump(bench(request["keys"], request["files"], request["seconds"]), sys.stdout)
    elif request["op"] == "verify":
        json.dump(verify(request["keys"], request.get("now"), request["files"]), sys.stdout)
    else:
        raise SystemExit("unknown op")


if __name__ == "__main__":
    main()
