"""``/api/v1/docs``: the API's reference, rendered on our server from the OpenAPI document
(no Swagger UI from a CDN: the site's Content-Security-Policy allows no outside script)."""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.problems import PROBLEM_TYPE, PROBLEMS
from restapi.api import RATE_LIMIT, RATE_WINDOW, api


def _schema_of(reference: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    name = reference.get("$ref", "").rsplit("/", 1)[-1]
    return components.get(name, reference)


def _type_of(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type_of(part) for part in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type_of(schema.get('items', {}))}"
    kind = schema.get("type", "object")
    return f"{kind} ({schema['format']})" if "format" in schema else str(kind)


@require_GET
def reference(request: HttpRequest) -> HttpResponse:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    components = document.get("components", {}).get("schemas", {})
    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            responses = [
                {
                    "status": status,
                    "description": response.get("description", ""),
                    "types": ", ".join(response.get("content", {})),
                }
                for status, response in operation.get("responses", {}).items()
            ]
            operations.append(
                {
                    "id": operation.get("operationId", ""),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "scope": operation.get("x-scope", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "in": parameter["in"],
                            "required": parameter.get("required", False),
                            "type": _type_of(parameter.get("schema", {})),
                            "description": parameter.get("description", "")
                            or parameter.get("schema", {}).get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "responses": responses,
                }
            )
    schemas = [
        {
            "name": name,
            "fields": [
                {
                    "name": field,
                    "type": _type_of(spec),
                    "description": spec.get("description", ""),
                }
                for field, spec in _schema_of(schema, components).get("properties", {}).items()
            ],
        }
        for name, schema in components.items()
    ]
    context = {
        "title": document["info"]["title"],
        "version": document["info"]["version"],
        "description": document["info"].get("description", ""),
        "operations": operations,
        "schemas": schemas,
        "problems": [
            {"slug": slug, "status": status, "title": title, "type": PROBLEM_TYPE.format(slug=slug)}
            for slug, (status, title) in PROBLEMS.items()
        ],
        "rate_limit": RATE_LIMIT,
        "rate_window": RATE_WINDOW,
        "document_size": len(json.dumps(document)),
    }
    return render(request, "restapi/reference.html", context)
