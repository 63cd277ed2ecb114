#!/usr/bin/python3
# The SPF result python3-spf (pyspf, Debian package python3-spf) gives for mail from an address
# that matches nothing, for each domain on the command line, asking only the DNS server given.
# Used by peers.lab.test.ts (the differential test of core/domain/check/spf.ts).
# Usage: pyspf-results.py DNS_IP[:PORT] IP DOMAIN... ; prints {"domain": ["result", "explanation"]}.
import json
import sys

import dns.resolver
import spf

server, ip, domains = sys.argv[1], sys.argv[2], sys.argv[3:]
host, _, port = server.partition(':')
resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = [host]
resolver.port = int(port or 53)
resolver.lifetime = 4
dns.resolver.default_resolver = resolver

out = {}
for domain in domains:
    result, explanation = spf.check2(i=ip, s='postmaster@' + domain, h='peer.invalid', timeout=10, querytime=4)
    out[domain] = [result, explanation]
print(json.dumps(out))
