"""The pydantic record models are derived from the Table Schemas and agree with them."""

from __future__ import annotations

import typing

import pytest

from ai_openness.safeio.schema import read_contract
from conftest import ROOT, fields, resource_names, table_schema

CONTRACT = read_contract(ROOT)


@pytest.mark.parametrize("name", resource_names())
def test_model_fields_agree_with_schema(name):
    model = CONTRACT.pydantic_model(name)
    json_schema = model.model_json_schema()
    schema_fields = fields(name)
    assert list(model.model_fields) == [f["name"] for f in schema_fields]
    required = {f["name"] for f in schema_fields if f.get("constraints", {}).get("required")}
    assert set(json_schema.get("required", [])) == required
    for field in schema_fields:
        enum = field.get("constraints", {}).get("enum")
        if enum:
            annotation = model.model_fields[field["name"]].annotation
            literal = next(
                a for a in [annotation, *typing.get_args(annotation)] if typing.get_origin(a) is typing.Literal
            )
            assert list(typing.get_args(literal)) == enum
        assert model.model_fields[field["name"]].description == field["description"]


@pytest.mark.parametrize("name", resource_names())
def test_every_field_is_documented(name):
    for field in fields(name):
        assert field.get("title") and field.get("description") and field.get("type"), (name, field["name"])
    assert table_schema(name)["primaryKey"]


@pytest.mark.parametrize("name", resource_names())
def test_arrow_types_follow_schema(name):
    schema = CONTRACT.arrow_schema(name)
    for field in fields(name):
        arrow = schema.field(field["name"])
        assert arrow.nullable == (not field.get("constraints", {}).get("required", False))
        assert (
            str(arrow.type)
            == {"string": "string", "integer": "int64", "number": "double", "boolean": "bool", "date": "date32[day]"}[
                field["type"]
            ]
        )


def test_model_rejects_value_outside_vocabulary():
    from pydantic import ValidationError

    model = CONTRACT.pydantic_model("stance_arguments")
    model.model_validate({"stance_id": "x", "argument": "safety"})
    with pytest.raises(ValidationError):
        model.model_validate({"stance_id": "x", "argument": "vibes"})
