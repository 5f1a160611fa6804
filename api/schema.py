"""How the OpenAPI schema describes the API's authentication and its errors."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.permissions import SAFE_METHODS

# Answers any call may get, each as problem details (api.problems).
PROBLEMS = {
    "400": "The request has invalid fields or parameters.",
    "401": "No valid bearer token.",
    "403": "The client lacks the scope this call needs, or calls from an address not allowed.",
    "404": "Nothing of this client's district has this identifier.",
    "422": "The program's rules refuse the request, or an Idempotency-Key was reused.",
    "429": "Too many calls: wait the Retry-After seconds.",
}
WRITE_PROBLEMS = {"409": "A request with this Idempotency-Key is still being answered."}
PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
        "retry_after": {"type": "integer"},
    },
    "required": ["type", "title", "status"],
}


class ClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ClientTokenAuthentication"
    name = "oauth2"

    def get_security_requirement(self, auto_schema):
        view = auto_schema.view
        scope = getattr(view, "required_scope", None) or (
            view.read_scope if auto_schema.method in SAFE_METHODS else view.write_scope
        )
        return {self.name: [scope]}

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/api/oauth/token/",
                    "scopes": settings.API_SCOPES,
                }
            },
        }


def add_problem_responses(result, generator, request, public):
    """Every operation says which problems it may answer with, and in which format."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    reference = {"$ref": "#/components/schemas/Problem"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            problems = dict(PROBLEMS)
            if method.upper() not in SAFE_METHODS:
                problems.update(WRITE_PROBLEMS)
            responses = operation.setdefault("responses", {})
            for code, description in problems.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": reference}},
                    },
                )
    return result
