"""Standard Webhooks signatures (https://www.standardwebhooks.com, symmetric scheme ``v1``).

The secret is ``whsec_`` and the base64 of 32 random bytes; the HMAC-SHA256 key is those bytes.
The signed content is ``{webhook-id}.{webhook-timestamp}.{body}``, and the ``webhook-signature``
header carries ``v1,<base64 of the HMAC>``, one per secret in use, separated by spaces.
"""

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def secret_new() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature(*, secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``event_id.timestamp.body`` under ``secret``."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    content = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(*, secrets_in_use: list[str], event_id: str, timestamp: int, body: bytes) -> dict:
    """The three ``webhook-`` headers of one attempt."""
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            signature(secret=secret, event_id=event_id, timestamp=timestamp, body=body)
            for secret in secrets_in_use
        ),
    }
