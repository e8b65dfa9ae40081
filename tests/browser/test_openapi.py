"""The served OpenAPI document validates against the OpenAPI 3.1 schema (S3)."""
import json
import urllib.request

from openapi_spec_validator import validate


def test_openapi_document_is_valid(base_url):
    with urllib.request.urlopen(base_url + "/api/v1/openapi.json") as response:
        document = json.load(response)
    assert document["openapi"] == "3.1.0"
    validate(document)
    assert "/api/v1/staff/{id}" in document["paths"]
