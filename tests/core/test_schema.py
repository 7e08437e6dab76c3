"""The OpenAPI schema of every version generates without warnings and validates."""
import pytest
from django.core.management import call_command


@pytest.mark.parametrize("module", ["loyalty.api.v1_1", "loyalty.api.v1", "loyalty.api.v2", "loyalty.api.v3"])
def test_schema_generates_without_warnings(module, tmp_path, db):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--urlconf", module, "--file", str(out))
    text = out.read_text()
    assert "paths:" in text and len(text) > 500


def test_schema_and_docs_are_served(client, db):
    assert client.get("/api/schema/v2/").status_code == 200
    assert client.get("/api/docs/v2/").status_code == 200
