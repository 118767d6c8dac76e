"""Discovery and citation metadata derived from datapackage.json: CITATION.cff, a Croissant
JSON-LD file and .zenodo.json. None of them is written by hand; the descriptor (itself
rendered from schema/) is their one source of truth.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from ai_openness.contract import Contract

CITATION = "CITATION.cff"
CROISSANT = "croissant.json"
ZENODO = ".zenodo.json"

_CROISSANT_CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "equivalentProperty": "cr:equivalentProperty",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
_LICENSE_URLS = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/"}


def _licence_note(descriptor: dict[str, Any]) -> str:
    """One sentence naming every licence of the descriptor and what it covers. The first is
    the package's; CITATION.cff and .zenodo.json hold a single licence id (CFF reads a list as
    a choice between them), so the others are named here."""
    parts = [
        f"{licence['name']} ({licence.get('path', '')}): {licence.get('title', '')}"
        for licence in descriptor["licenses"]
    ]
    return "Licences, for different parts of the data (LICENSE-DATA.md says which): " + "; ".join(parts) + "."


def creators(descriptor: dict[str, Any]) -> list[str]:
    return [c["title"] for c in descriptor.get("contributors", [])]


def citation(descriptor: dict[str, Any], released: str | None) -> str:
    cff = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite the version you used. " + _licence_note(descriptor),
        "type": "dataset",
        "title": descriptor["title"],
        "abstract": descriptor["description"],
        "authors": [{"name": name} for name in creators(descriptor)],
        "version": descriptor["version"],
        "license": descriptor["licenses"][0]["name"],
        "keywords": descriptor.get("keywords", []),
    }
    if released:
        cff["date-released"] = released
    header = "# Generated from datapackage.json by `ai-openness build`; do not edit.\n"
    return header + yaml.safe_dump(cff, allow_unicode=True, sort_keys=False, width=1000)


def zenodo(descriptor: dict[str, Any], released: str | None) -> str:
    record = {
        "title": descriptor["title"],
        "description": descriptor["description"],
        "upload_type": "dataset",
        "version": descriptor["version"],
        "license": descriptor["licenses"][0]["name"].lower(),
        "notes": _licence_note(descriptor),
        "creators": [{"name": name} for name in creators(descriptor)],
        "keywords": descriptor.get("keywords", []),
    }
    if released:
        record["publication_date"] = released
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def croissant(contract: Contract, descriptor: dict[str, Any], released: str | None) -> str:
    licences = [
        licence.get("path") or _LICENSE_URLS.get(licence["name"], licence["name"]) for licence in descriptor["licenses"]
    ]
    files, record_sets = [], []
    for resource in descriptor["resources"]:
        name = resource["name"]
        files.append(
            {
                "@type": "cr:FileObject",
                "@id": f"{name}-csv",
                "name": f"{name}.csv",
                "contentUrl": resource["path"],
                "encodingFormat": "text/csv",
                "sha256": resource["hash"].removeprefix("sha256:"),
            }
        )
        record_sets.append(
            {
                "@type": "cr:RecordSet",
                "@id": name,
                "name": name,
                "description": resource["description"],
                "key": [{"@id": f"{name}/{column}"} for column in contract.primary_key(name)],
                "field": [
                    {
                        "@type": "cr:Field",
                        "@id": f"{name}/{field['name']}",
                        "name": field["name"],
                        "description": field["description"],
                        "dataType": contract.croissant_type(field),
                        "source": {"fileObject": {"@id": f"{name}-csv"}, "extract": {"column": field["name"]}},
                    }
                    for field in resource["schema"]["fields"]
                ],
            }
        )
    dataset = {
        "@context": _CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": descriptor["name"],
        "description": descriptor["description"],
        "license": licences[0] if len(licences) == 1 else licences,
        "version": descriptor["version"],
        "keywords": descriptor.get("keywords", []),
        "creator": [{"@type": "sc:Organization", "name": name} for name in creators(descriptor)],
        "citeAs": f"{', '.join(creators(descriptor))}. {descriptor['title']}. Version {descriptor['version']}.",
        "distribution": files,
        "recordSet": record_sets,
    }
    if released:
        dataset["datePublished"] = released
    return json.dumps(dataset, indent=2, ensure_ascii=False) + "\n"


def render(contract: Contract, descriptor_bytes: bytes, released: str | None) -> dict[str, bytes]:
    descriptor = json.loads(descriptor_bytes)
    return {
        CITATION: citation(descriptor, released).encode("utf-8"),
        CROISSANT: croissant(contract, descriptor, released).encode("utf-8"),
        ZENODO: zenodo(descriptor, released).encode("utf-8"),
    }
