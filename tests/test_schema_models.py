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


# What the schema files say about the package beyond Table Schema: written out here by hand.
GENERATED = {
    "sources": {"characters"},
    "licences": {"spdx"},
    "models": {"released_precision", "released_end"},
    "stances": {"source_id", "actor_id", "actor_type", "date_end", "date_precision", "quote_start", "quote_end"},
    "aliases": {"language"},
}
ROWS = {"aliases": "generated", "mentions": "matched", "position_changes": "derived"}


def test_generated_columns_and_where_rows_come_from_are_read_from_the_schema_files():
    contract = read_contract(ROOT)
    assert {n: set(contract.generated_columns(n)) for n in contract.names if contract.generated_columns(n)} == GENERATED
    assert {n: contract.rows_from(n) for n in contract.names if contract.rows_from(n) != "codings"} == ROWS
    assert set(contract.weights_withheld()) == {"api", "hosted", "unreleased"}


def test_the_descriptor_carries_where_rows_come_from():
    from ai_openness.safeio.installed import contract_from_descriptor_file

    contract = contract_from_descriptor_file(ROOT / "datapackage.json")
    assert {n: contract.rows_from(n) for n in contract.names if contract.rows_from(n) != "codings"} == ROWS


@pytest.mark.parametrize(
    ("field", "why"),
    [
        ({"name": "x", "ai_openness:generated": "yes"}, "must be true or false"),
        ({"name": "x", "constraints": {"enum": ["a"]}, "ai_openness:weights_withheld": ["b"]}, "enum"),
    ],
)
def test_a_custom_property_of_the_wrong_form_is_a_problem(field, why):
    from ai_openness.contract import schema_problems

    problems = schema_problems({"fields": [field]}, "schema/x.schema.json")
    assert [(p.file, p.field) for p in problems] == [("schema/x.schema.json", "x")]
    assert why in problems[0].message


def test_where_rows_come_from_must_be_a_known_kind():
    from ai_openness.contract.shape import package_problems

    problems = package_problems({"resources": [{"name": "x", "rows": "scraped"}]}, "schema/package.yaml")
    assert [(p.field, p.value) for p in problems] == [("rows", "scraped")]
