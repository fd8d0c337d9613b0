"""Schemathesis hooks for fuzzing aduan (tests/contract/fuzz.sh).

The fuzzer signs in as an administrator. An administrator may change or end its own sign-in
(a new password, deactivation, its sessions ended), which would leave the rest of the run
answering only 401. Such requests aimed at the fuzzer's own account are pointed at an account
that does not exist instead (a 404 the document lists); everything else is sent as generated.
"""

import json
import os
import re

import schemathesis

SELF = os.environ.get("ADUAN_FUZZ_SELF_ID", "")
NOBODY = "00000000-0000-7000-8000-000000000000"
OWN_SIGN_IN = {
    ("PATCH", "/api/v1/users/{id}"),
    ("DELETE", "/api/v1/users/{id}/sessions"),
}


@schemathesis.hook
def before_call(context, case, kwargs):
    if (case.method.upper(), case.path) in OWN_SIGN_IN and case.path_parameters.get("id") == SELF:
        case.path_parameters["id"] = NOBODY


# A PATCH changes only the fields it names: the document requires none of them. Schemathesis's
# error feedback reads our 422 "must not be blank" to a blank value as "required", and then
# expects the field's absence to be refused. Such a finding is dropped only when the committed
# document indeed does not require the property (checked here, not assumed).
with open("openapi/openapi.json", encoding="utf-8") as f:
    DOCUMENT = json.load(f)


def declared_required(method, path):
    op = DOCUMENT["paths"].get(path, {}).get(method.lower(), {})
    schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = DOCUMENT["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return set(schema.get("required", []))


MISSING = re.compile(r"Missing required property: (\w+)")


@schemathesis.hook
def filter_failure(context, failure, case, response):
    found = MISSING.search(failure.message or "")
    if failure.code == "ST201" and case.method.upper() == "PATCH" and found:
        return found.group(1) in declared_required(case.method, case.path)
    return True
