"""The Comprehensive Learner Record (CLR 2.0 ``ClrCredential``) of an educator: every badge of
theirs that counts, embedded as signed, with the totals a renewal needs, signed by the district
like the badges themselves (eddsa-rdfc-2022, did:web).

The CLR 2.0 JSON-LD context (versioned 2.0.1) is vendored from PyPI by ``vendor_schema.py``,
and 1EdTech's CLR 2.0 ClrCredential JSON schema is vendored beside the OB 3.0 one, pinned by
hash (``vendor_schema.py`` says where it came from): the transcript matches it, and each badge
inside is an OB 3.0 credential that matches that schema.
"""

import secrets
import uuid
from datetime import datetime
from decimal import Decimal

from accounts.models import User

from . import proofs, selectors
from .models import Award
from .open_badges import identity_hash, issuer_profile, sign_for_district, timestamp


def transcript_totals(awards: list[Award]) -> dict:
    return {
        "count": len(awards),
        "hours": sum((a.microcredential.estimated_hours for a in awards), Decimal(0)),
        "pd_points": sum((a.microcredential.pd_points for a in awards), Decimal(0)),
    }


def clr_credential(*, educator: User, awards: list[Award], now: datetime) -> dict:
    """The signed ClrCredential of ``awards`` (the educator's awards that count at ``now``)."""
    district = educator.district
    totals = transcript_totals(awards)
    salt = secrets.token_hex(16)
    document = {
        # In the order 1EdTech's CLR 2.0 schema requires: the VC, then the CLR, then the OB context.
        "@context": [proofs.VC_V2_CONTEXT, proofs.CLR_V2_CONTEXT, proofs.OB_V3_CONTEXT],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": issuer_profile(district),
        "name": f"Comprehensive Learner Record of {educator.display_name}",
        "description": (
            f"The micro-credentials {educator.display_name} holds that "
            f"count on {now:%Y-%m-%d}: {totals['count']}, for {totals['hours'].normalize():f} "
            f"hours of professional learning and {totals['pd_points'].normalize():f} PD points. "
            "Each is embedded as issued, with its own signature."
        ),
        "validFrom": timestamp(now),
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "identityHash": identity_hash(educator.email, salt),
                    "identityType": "emailAddress",
                    "salt": salt,
                }
            ],
            "achievement": [
                award.credential["credentialSubject"]["achievement"] for award in awards
            ],
            "verifiableCredential": [award.credential for award in awards],
        },
    }
    return sign_for_district(district, document, created=now)


def educator_transcript(educator: User, *, now: datetime) -> dict | None:
    """The signed transcript of ``educator``'s badges that count at ``now``, oldest first; none
    while they hold none (a CLR lists at least one credential: 1EdTech's schema says so)."""
    awards = list(selectors.awards_for_educator(educator).counting(at=now).order_by("issued_at"))
    if not awards:
        return None
    return clr_credential(educator=educator, awards=awards, now=now)
