"""The OpenAPI schema documents every API operation, validates, and raises no warnings."""

from __future__ import annotations

import yaml
from django.core.management import call_command


def test_the_schema_validates_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["info"]["title"] == "Bazaar API"
    operations = [(path, method) for path, item in schema["paths"].items() for method in item]
    assert ("/api/me/", "get") in operations
    assert all(
        item[method].get("operationId") for path, item in schema["paths"].items() for method in item
    )


def test_removing_the_avatar_answers_what_the_schema_says(tmp_path, owner, client_for):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    documented = yaml.safe_load(target.read_text())["paths"]["/api/me/avatar/"]["delete"]

    response = client_for(owner).delete("/api/me/avatar/")

    assert str(response.status_code) in documented["responses"]
    assert response.status_code == 200 and "avatar" in response.json()
