#!/usr/bin/python3
# Signs messages with dkimpy (Debian's python3-dkim, so /usr/bin/python3), an independent signer for the verifier's
# tests. Reads a JSON list of jobs on stdin, writes a JSON list of base64 signed messages.
import base64
import json
import sys

import dkim

jobs = json.load(sys.stdin)
out = []
for job in jobs:
    message = base64.b64decode(job['message'])
    kwargs = {
        'selector': job['selector'].encode(),
        'domain': job['domain'].encode(),
        'privkey': job['key'].encode(),
        'canonicalize': (job.get('hcanon', 'relaxed').encode(), job.get('bcanon', 'relaxed').encode()),
        'signature_algorithm': job.get('algorithm', 'rsa-sha256').encode(),
        'length': bool(job.get('length', False)),
    }
    if job.get('headers') is not None:
        kwargs['include_headers'] = [h.encode() for h in job['headers']]
    if job.get('identity'):
        kwargs['identity'] = job['identity'].encode()
    signature = dkim.sign(message, **kwargs)
    out.append(base64.b64encode(signature + message).decode())
json.dump(out, sys.stdout)
