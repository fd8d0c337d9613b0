"""Real Open311 client libraries against a running aduan server.

Usage: check_clients.py ENDPOINT API_KEY PHOTO
ENDPOINT is the GeoReport v2 base (http://127.0.0.1:8080/open311/v2), API_KEY a key made by an
admin, PHOTO a small image to send as media. Exits non-zero at the first failed expectation.
"""

import itertools
import sys

# `three` 0.8 was written for Python 2; this is the one name of it that Python 3 lacks.
itertools.ifilter = filter

from georeport import GeoReport  # noqa: E402
from three import Three  # noqa: E402

endpoint, key, photo = sys.argv[1:4]
checks = 0


def expect(condition, what):
    global checks
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    checks += 1


def one_or_many(value):
    """xmltodict gives a dict for one element and a list for several."""
    return value if isinstance(value, list) else [value]


# three: file requests (a form; multipart with a photo), read them back, see an error.
t = Three(endpoint, api_key=key, format="json")
created = t.post(
    "jalan",
    lat=-6.5712,
    long=107.7601,
    address="Jl. Otista, Subang",
    description="Lubang besar di depan pasar",
    name="Siti Aminah",
    email="siti@example.com",
    **{"attribute[tingkat-kerusakan]": "berat"},
)
expect(t.post_response.status_code == 201, f"three POST: {t.post_response.status_code} {created}")
expect(isinstance(created, list) and len(created) == 1, f"a list of one: {created}")
code = created[0]["service_request_id"]
expect(isinstance(code, str) and code.startswith("SBG-"), f"service_request_id {code}")

with open(photo, "rb") as media:
    flooded = t.post(
        "banjir-drainase",
        lat=-6.55,
        long=107.75,
        description="Genangan setinggi lutut",
        media=media,
        **{"attribute[kedalaman-cm]": "45"},
    )
expect(t.post_response.status_code == 201, f"three multipart POST: {flooded}")
flood_code = flooded[0]["service_request_id"]

refused = Three(endpoint, api_key="aduan_wrong", format="json")
errors = refused.post("jalan", lat=-6.5, long=107.7, description="x")
expect(refused.post_response.status_code == 403, "a wrong key is refused")
expect(errors[0]["code"] == "403" and "not valid" in errors[0]["description"], f"{errors}")

missing = t.post("jalan", lat=-6.5, long=107.7, description="tanpa jawaban")
expect(t.post_response.status_code == 400, "a required attribute is missing")
expect("tingkat-kerusakan" in missing[0]["description"], f"{missing}")

listed = t.requests()
expect([r["service_request_id"] for r in listed] == [flood_code, code], f"three requests: {listed}")
single = t.request(code)
expect(single[0]["status"] == "open" and single[0]["service_code"] == "jalan", f"{single}")
expect("siti" not in str(single).lower(), "no personal data")
token = t.token("abc")
expect(t._request.status_code == 404 and token[0]["code"] == "404", f"tokens: {token}")

# georeport: services, a definition and requests, in JSON and in XML.
for fmt in ("json", "xml"):
    g = GeoReport(endpoint, output_format=fmt)
    services = g.get_service_list()
    by_code = {s["service_code"]: s for s in services}
    expect("jalan" in by_code and "sampah" in by_code, f"{fmt} services")
    expect(str(by_code["jalan"]["metadata"]).lower() == "true", f"{fmt} metadata")
    expect(by_code["jalan"]["type"] == "realtime", f"{fmt} type")

    definition = g.get_service_definition("jalan")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = one_or_many(attributes["attribute"])
    expect(attributes[0]["code"] == "tingkat-kerusakan", f"{fmt} attributes: {attributes}")
    expect(str(attributes[0]["required"]).lower() == "true", f"{fmt} required")

    requests = one_or_many(g.get_service_requests())
    codes = [r["service_request_id"] for r in requests]
    expect(codes == [flood_code, code], f"{fmt} requests: {codes}")
    chosen = one_or_many(g.get_service_requests(service_request_id=code, status="closed"))
    expect([r["service_request_id"] for r in chosen] == [code], f"{fmt} by id overrides")
    open_ones = one_or_many(g.get_service_requests(status="open", service_code="banjir-drainase"))
    expect([r["service_request_id"] for r in open_ones] == [flood_code], f"{fmt} filters")

    request = g.get_service_request(code)
    expect(request["service_request_id"] == code, f"{fmt} one request")
    expect(request["status"] == "open", f"{fmt} status")
    expect(request["requested_datetime"].endswith("+07:00"), f"{fmt} W3C time with offset")
    # Filed at -6.5712; published to about 100 m.
    expect(float(request["lat"]) == -6.571, f"{fmt} lat")

print(f"open311 clients: {checks} checks passed (three, georeport JSON and XML)")
