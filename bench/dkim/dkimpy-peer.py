#!/usr/bin/python3
"""dkimpy (Debian python3-dkim) as a user would script it, one message after another.

`/usr/bin/python3 bench/dkim/dkimpy-peer.py TARGET KEYFILE` walks a Maildir (cur/, new/) or a
directory of .eml files, or reads an mbox (mboxrd) and splits it the simple way, verifies each
message with dkim.verify() and a dnsfunc that answers from the key file (no DNS), and prints
{"messages", "passed", "failures"} as JSON. The same walk and split as mailauth-peer.mjs.
"""
import json
import os
import re
import sys

import dkim

UNESCAPE = re.compile(rb"(^|\n)>(>*From )")


def key_lookup(key_file):
    records = {}
    with open(key_file, "rb") as f:
        for line in f:
            name, _, value = line.rstrip(b"\r\n").partition(b" ")
            if name:
                records[name.lower().rstrip(b".")] = value

    def dnsfunc(name, timeout=5):
        return records.get(name.lower().rstrip(b"."))

    return dnsfunc


def files_of(folder):
    maildir = os.path.isdir(os.path.join(folder, "cur")) and os.path.isdir(os.path.join(folder, "new"))
    for sub in [os.path.join(folder, "new"), os.path.join(folder, "cur")] if maildir else [folder]:
        for name in os.listdir(sub):
            if maildir or name.endswith(".eml"):
                with open(os.path.join(sub, name), "rb") as f:
                    yield f.read()


def mbox_messages(path):
    """Every line that starts with "From " is a separator (mboxrd escaped the others)."""
    with open(path, "rb") as f:
        data = f.read()
    starts = [0] + [m.start() + 1 for m in re.finditer(rb"\nFrom ", data)] + [len(data)]
    for begin, end in zip(starts, starts[1:]):
        begin = data.index(b"\n", begin) + 1
        # The empty line before the next From_ line belongs to the mbox.
        if data[end - 1 : end] == b"\n":
            end -= 2 if data[end - 2 : end - 1] == b"\r" else 1
        message = data[begin:end]
        yield UNESCAPE.sub(rb"\1\2", message) if b">From " in message else message


def main():
    target, key_file = sys.argv[1:3]
    dnsfunc = key_lookup(key_file)
    messages = files_of(target) if os.path.isdir(target) else mbox_messages(target)
    count = passed = 0
    failures = []
    for message in messages:
        count += 1
        try:
            ok = dkim.verify(message, dnsfunc=dnsfunc)
            why = "did not verify"
        except Exception as e:  # reported as a failure; the run goes on
            ok, why = False, "%s: %s" % (type(e).__name__, e)
        if ok:
            passed += 1
        elif len(failures) < 3:
            failures.append(why)
    json.dump({"messages": count, "passed": passed, "failures": failures}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
