"""Verifies aduan's webhook deliveries with the Standard Webhooks library from PyPI.

Usage: check_webhooks.py SECRET DELIVERIES.json
DELIVERIES.json is a list of {"headers": {...}, "body": "<base64>"} as a receiver got them.
Each must verify; the same delivery with a changed body, another secret, or a timestamp ten
minutes old (a replay) must not.
"""
import base64
import json
import sys

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def refused(wh, body, headers):
    try:
        wh.verify(body, headers)
    except WebhookVerificationError:
        return True
    return False


def main():
    secret, path = sys.argv[1], sys.argv[2]
    deliveries = json.load(open(path))
    assert deliveries, "no deliveries to check"
    wh = Webhook(secret)
    other = Webhook("whsec_" + base64.b64encode(b"another secret entirely!").decode())
    for d in deliveries:
        body = base64.b64decode(d["body"])
        headers = d["headers"]
        event = wh.verify(body, headers)
        assert event["ticket"]["id"], event
        assert refused(wh, body + b" ", headers), "a changed body must not verify"
        assert refused(other, body, headers), "another secret must not verify"
        old = dict(headers)
        old["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) - 600)
        assert refused(wh, body, old), "a replay ten minutes late must not verify"
    print(f"{len(deliveries)} deliveries verified with standardwebhooks; checks passed")


if __name__ == "__main__":
    main()
