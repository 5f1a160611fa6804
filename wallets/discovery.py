"""The Service Description Document (1EdTech Open Badges 3.0 §7.2): a profiled copy of the
specification's OpenAPI 3.0 file, naming the operations offered here (getCredentials and
getProfile), where to register, authorize and get tokens, and the privacy policy."""

from django.conf import settings
from django.urls import reverse


def _absolute(name: str) -> str:
    return f"{settings.SITE_URL}{reverse(name)}"


def privacy_policy_url() -> str:
    return settings.WALLET_PRIVACY_POLICY_URL or _absolute("wallets:about") + "#privacy"


def terms_of_service_url() -> str:
    return settings.WALLET_TERMS_OF_SERVICE_URL or _absolute("wallets:about") + "#terms"


def _ref(schema: str) -> dict:
    return {"$ref": f"#/components/schemas/{schema}"}


def _status_info_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref("Imsx_StatusInfo")}},
    }


def _errors(*statuses: str) -> dict:
    words = {
        "400": "The request was not understood (a parameter is not valid).",
        "401": "No valid access token of a connected wallet.",
        "403": "The access token lacks the scope this operation needs.",
        "405": "The method is not allowed.",
        "default": "The request was invalid or cannot be served.",
    }
    return {status: _status_info_response(words[status]) for status in statuses}


def service_description() -> dict:
    ob = settings.OB_SCOPE
    readonly, profile = f"{ob}credential.readonly", f"{ob}profile.readonly"
    return {
        "openapi": "3.0.1",
        "info": {
            "title": "microcreds",
            "description": "The micro-credentials an educator has earned, for their wallet.",
            "version": "3.0",
            "termsOfService": terms_of_service_url(),
            "x-imssf-privacyPolicyUrl": privacy_policy_url(),
        },
        "servers": [{"url": f"{settings.SITE_URL}/ims/ob/v3p0", "description": "microcreds"}],
        "tags": [{"name": "OpenBadgeCredentials"}, {"name": "Profile"}, {"name": "Discovery"}],
        "paths": {
            "/credentials": {
                "get": {
                    "tags": ["OpenBadgeCredentials"],
                    "summary": "The OpenBadgeCredentials of the educator who connected the wallet",
                    "operationId": "getCredentials",
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1},
                        },
                        {
                            "name": "offset",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 0},
                        },
                        {
                            "name": "since",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "format": "date-time"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The credentials, paged by limit and offset.",
                            "headers": {
                                "X-Total-Count": {"schema": {"type": "integer"}},
                                "Link": {"schema": {"type": "string"}},
                            },
                            "content": {
                                "application/json": {
                                    "schema": _ref("GetOpenBadgeCredentialsResponse")
                                }
                            },
                        },
                        **_errors("400", "401", "403", "405", "default"),
                    },
                    "security": [{"OAuth2ACG": [readonly]}],
                }
            },
            "/profile": {
                "get": {
                    "tags": ["Profile"],
                    "summary": "The profile of the educator who connected the wallet",
                    "operationId": "getProfile",
                    "responses": {
                        "200": {
                            "description": "The profile.",
                            "content": {"application/json": {"schema": _ref("Profile")}},
                        },
                        **_errors("400", "401", "403", "405", "default"),
                    },
                    "security": [{"OAuth2ACG": [profile]}],
                }
            },
            "/discovery": {
                "get": {
                    "tags": ["Discovery"],
                    "summary": "This Service Description Document",
                    "operationId": "getServiceDescription",
                    "responses": {"200": {"description": "The Service Description Document."}},
                }
            },
        },
        "components": {
            "securitySchemes": {
                "OAuth2ACG": {
                    "type": "oauth2",
                    "description": "OAuth 2.0 Authorization Code Grant authorization (PKCE S256)",
                    "x-imssf-privacyPolicyUrl": privacy_policy_url(),
                    "x-imssf-registrationUrl": _absolute("wallets:register"),
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": _absolute("wallets:authorize"),
                            "tokenUrl": _absolute("wallets:token"),
                            "refreshUrl": _absolute("wallets:token"),
                            "scopes": dict(settings.WALLET_SCOPES),
                        }
                    },
                }
            },
            "schemas": {
                "GetOpenBadgeCredentialsResponse": {
                    "type": "object",
                    "properties": {
                        "credential": {
                            "type": "array",
                            "items": {"type": "object"},
                            "description": "OpenBadgeCredentials with Data Integrity proofs "
                            "(eddsa-rdfc-2022).",
                        },
                        "compactJwsStrings": {"type": "array", "items": {"type": "string"}},
                    },
                    "additionalProperties": False,
                },
                "Profile": {
                    "type": "object",
                    "properties": {
                        "@context": {"type": "array", "items": {"type": "string"}},
                        "id": {"type": "string", "format": "uri"},
                        "type": {"type": "array", "items": {"type": "string"}},
                        "name": {"type": "string"},
                        "email": {"type": "string"},
                    },
                    "required": ["id", "type"],
                },
                "Imsx_StatusInfo": {
                    "type": "object",
                    "properties": {
                        "imsx_codeMajor": {
                            "type": "string",
                            "enum": ["failure", "processing", "success", "unsupported"],
                        },
                        "imsx_severity": {"type": "string", "enum": ["error", "status", "warning"]},
                        "imsx_description": {"type": "string"},
                        "imsx_codeMinor": {"type": "object"},
                    },
                    "required": ["imsx_codeMajor", "imsx_severity"],
                },
            },
        },
    }
