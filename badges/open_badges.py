"""The documents of an award: the OB 3.0 OpenBadgeCredential, the district's revocation status
list credential, and the OB 2.0 hosted Issuer, BadgeClass and Assertion; and of an endorsement,
its OB 3.0 EndorsementCredential."""

import base64
import gzip
import hashlib
import uuid
from datetime import datetime
from decimal import Decimal
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse

from accounts.models import District, State
from credentials.models import MicroCredential

from . import keys, proofs, signals
from .models import STATUS_LIST_SIZE, Award, Endorsement

# The schema verifiers pick for an OpenBadgeCredential in the VC 2.0 / OB 3.0.3 contexts. Not named
# in ``credentialSchema``: its type "1EdTechJsonSchemaValidator2019" is undefined in those
# contexts, and JSON-LD safe mode (as verifiers run it) rejects a relative type. Our copy of
# 1EdTech's file is static/badges/schema/, vendored from PyPI by vendor_schema.py.
OB3_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
# Where 1EdTech publishes its EndorsementCredential schema (verifiers pick it for one); our copy,
# pinned by hash, is static/badges/schema/ (vendor_schema.py says where it was taken from).
OB3_ENDORSEMENT_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
)
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
# Stable namespace for achievement ids derived from a catalog entry's lineage and version.
_ACHIEVEMENT_NAMESPACE = uuid.UUID("0f6f5b7e-3c55-4a3e-9f0a-6c1f0c2b7a41")


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def timestamp(moment: datetime) -> str:
    """XML Schema dateTimeStamp in UTC, whole seconds (what VC 2.0 and OB expect)."""
    from datetime import UTC

    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def status_list_url(issuer: keys.Issuer) -> str:
    route = "badges:state_status_list" if isinstance(issuer, State) else "badges:status_list"
    return absolute(reverse(route, kwargs={"slug": issuer.slug}))


def achievement_id(microcredential: MicroCredential, *within: object) -> str:
    """The achievement's id, or with ``within`` the id of a part of it (a rubric criterion, one
    of its levels): the same catalog version always gives the same ids."""
    name = ":".join(
        str(part) for part in (microcredential.lineage, microcredential.version, *within)
    )
    return f"urn:uuid:{uuid.uuid5(_ACHIEVEMENT_NAMESPACE, name)}"


def _criterion_id(microcredential: MicroCredential, criterion_id: int) -> str:
    return achievement_id(microcredential, "criterion", criterion_id)


def _level_id(microcredential: MicroCredential, level_id: int) -> str:
    return achievement_id(microcredential, "level", level_id)


def _hours_id(microcredential: MicroCredential) -> str:
    return achievement_id(microcredential, "hours")


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def criteria_narrative(microcredential: MicroCredential) -> str:
    lines = []
    if microcredential.submission_guidelines:
        lines.append(microcredential.submission_guidelines.strip())
    rubric = getattr(microcredential, "rubric", None)
    if rubric is not None:
        criteria = list(rubric.criteria.all())
        if criteria:
            lines.append("Scored by a panel of peer reviewers against the rubric:")
            lines.extend(f"- {criterion.title}" for criterion in criteria)
    if not lines:
        lines.append("Completed a plan, implementation, impact evidence and reflection.")
    return "\n".join(lines)


def _alignments(award: Award) -> list[dict]:
    microcredential = award.microcredential
    catalog_url = absolute(reverse("credentials:detail", kwargs={"pk": microcredential.pk}))
    alignments = [
        {
            "type": ["Alignment"],
            "targetName": microcredential.title,
            "targetDescription": microcredential.competency,
            "targetUrl": catalog_url,
            "targetType": "ceasn:Competency",
        }
    ]
    if microcredential.state_standard:
        alignments.append(
            {
                "type": ["Alignment"],
                "targetName": microcredential.state_standard,
                "targetUrl": microcredential.state_standard_url or f"{catalog_url}#state-standard",
                "targetType": "ext:StateStandard",
            }
        )
    for goal in award.submission.plan.district_goals.all():
        alignments.append(
            {
                "type": ["Alignment"],
                "targetName": goal.title,
                "targetDescription": goal.description or goal.title,
                "targetUrl": f"{catalog_url}#district-goal-{goal.pk}",
                "targetType": "ext:DistrictGoal",
            }
        )
    return alignments


def _rubric_criteria(microcredential: MicroCredential) -> list:
    rubric = getattr(microcredential, "rubric", None)
    if rubric is None:
        return []
    return list(rubric.criteria.prefetch_related("levels"))


def result_descriptions(microcredential: MicroCredential) -> list[dict]:
    """What the achievement is measured by: each rubric criterion with its levels (OB 3.0
    ``RubricCriterionLevel``; ``requiredLevel`` is the lowest passing one), and the hours of
    professional learning."""
    descriptions = []
    for criterion in _rubric_criteria(microcredential):
        levels = list(criterion.levels.all())
        description = {
            "id": _criterion_id(microcredential, criterion.pk),
            "type": ["ResultDescription"],
            "name": criterion.title,
            "resultType": "RubricCriterionLevel",
            "rubricCriterionLevel": [
                {
                    "id": _level_id(microcredential, level.pk),
                    "type": ["RubricCriterionLevel"],
                    "name": level.label,
                    "points": str(level.score),
                    **({"description": level.description} if level.description else {}),
                }
                for level in levels
            ],
        }
        passing = [level for level in levels if criterion.passes(level.score)]
        if passing:
            description["requiredLevel"] = _level_id(microcredential, passing[0].pk)
        descriptions.append(description)
    descriptions.append(
        {
            "id": _hours_id(microcredential),
            "type": ["ResultDescription"],
            "name": "Hours of professional learning",
            "resultType": "ext:ProfessionalLearningHours",
            "valueMin": "0",
        }
    )
    return descriptions


def results(award: Award) -> list[dict]:
    """What the panel found: the level reached on each rubric criterion (as the review side
    answers ``signals.rubric_levels_asked``), and the hours of professional learning."""
    microcredential = award.microcredential
    levels: dict = {}
    for _receiver, answer in signals.rubric_levels_asked.send(
        sender=Award, submission=award.submission
    ):
        levels.update(answer or {})
    found = [
        {
            "type": ["Result"],
            "resultDescription": _criterion_id(microcredential, criterion.pk),
            "achievedLevel": _level_id(microcredential, levels[criterion.pk].pk),
        }
        for criterion in _rubric_criteria(microcredential)
        if criterion.pk in levels
    ]
    found.append(
        {
            "type": ["Result"],
            "resultDescription": _hours_id(microcredential),
            "value": str(_number(microcredential.estimated_hours)),
        }
    )
    return found


def rubric_summary(credential: dict) -> list[tuple[str, str]]:
    """(criterion, level reached) of each rubric result a signed credential carries, read from
    the credential itself: what the certificate and the verification page show."""
    achievement = credential.get("credentialSubject", {}).get("achievement", {})
    criteria = {}
    level_names = {}
    for description in achievement.get("resultDescription", []):
        if description.get("resultType") == "RubricCriterionLevel":
            criteria[description["id"]] = description["name"]
            for level in description.get("rubricCriterionLevel", []):
                level_names[level["id"]] = level["name"]
    return [
        (criteria[result["resultDescription"]], level_names.get(result.get("achievedLevel"), ""))
        for result in credential.get("credentialSubject", {}).get("result", [])
        if result.get("resultDescription") in criteria
    ]


def shared_evidence(credential: dict) -> list[dict]:
    """The evidence the educator chose to make public, as a signed credential carries it: the
    entries without an ``id`` (the reviewed submission's is its verification page)."""
    return [entry for entry in credential.get("evidence", []) if "id" not in entry]


def achievement(award: Award) -> dict:
    microcredential = award.microcredential
    document = {
        "id": achievement_id(microcredential),
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": microcredential.title,
        "description": microcredential.competency,
        "criteria": {"narrative": criteria_narrative(microcredential)},
        "alignment": _alignments(award),
        "image": {
            "id": absolute(reverse("badges:ob2_badge_image", kwargs={"pk": microcredential.pk})),
            "type": "Image",
        },
        "creator": issuer_profile(award.district),
        "resultDescription": result_descriptions(microcredential),
        "inLanguage": "en",
    }
    endorsements = standing_endorsements(microcredential, at=award.issued_at)
    if endorsements:
        document["endorsement"] = endorsements
    if microcredential.pd_points:
        document["creditsAvailable"] = _number(microcredential.pd_points)
    if microcredential.tag_list:
        document["tag"] = microcredential.tag_list
    return document


def issuer_profile(issuer: keys.Issuer) -> dict:
    return {
        "id": keys.issuer_did(issuer),
        "type": ["Profile"],
        "name": issuer.name,
        "url": settings.SITE_URL,
    }


def standing_endorsements(microcredential: MicroCredential, *, at: datetime) -> list[dict]:
    """The signed endorsements of ``microcredential`` given by ``at`` and not withdrawn: what
    an award issued at ``at`` carries (an award signed earlier never gains one)."""
    return [
        endorsement.credential
        for endorsement in Endorsement.objects.filter(
            microcredential=microcredential, withdrawn_at__isnull=True, issued_at__lte=at
        ).order_by("issued_at", "id")
    ]


def endorsement_credential(endorsement: Endorsement) -> dict:
    """The unsigned OB 3.0 EndorsementCredential: its subject is the micro-credential's
    achievement (the id every award of this catalog version carries)."""
    endorser = endorsement.endorser
    microcredential = endorsement.microcredential
    status_url = status_list_url(endorser)
    return {
        "@context": [proofs.VC_V2_CONTEXT, proofs.OB_V3_CONTEXT],
        "id": f"urn:uuid:{endorsement.uuid}",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": f"{endorser.name} endorses “{microcredential.title}”",
        "description": (
            f"{endorser.name} endorses the micro-credential “{microcredential.title}” of "
            f"{microcredential.district.name} as meeting its rule."
        ),
        "issuer": issuer_profile(endorser),
        "validFrom": timestamp(endorsement.issued_at),
        "credentialSubject": {
            "id": achievement_id(microcredential),
            "type": ["EndorsementSubject"],
            "endorsementComment": endorsement.comment,
        },
        "credentialStatus": {
            "id": f"{status_url}#{endorsement.status_list_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(endorsement.status_list_index),
            "statusListCredential": status_url,
        },
    }


def evidence(award: Award) -> list[dict]:
    microcredential = award.microcredential
    evidence_names = ", ".join(t.name for t in microcredential.evidence_types.all())
    narrative = (
        "The educator wrote a plan (overview, basis of knowledge, implementation and impact "
        "measures), carried it out, and submitted evidence of its impact and a reflection; "
        "a review panel scored it against the rubric and found it met the standard."
    )
    if evidence_names:
        narrative += f" Evidence types: {evidence_names}."
    reviewed = {
        "id": absolute(reverse("badges:verify", kwargs={"award_uuid": award.uuid})),
        "type": ["Evidence"],
        "name": f"Reviewed submission for {microcredential.title}",
        "narrative": narrative,
    }
    # Only what the educator wrote to be public: never their files, never student work.
    chosen = [
        {"type": ["Evidence"], "name": entry.title, "narrative": entry.narrative}
        for entry in award.submission.public_evidence.all()
    ]
    return [reviewed, *_renewal_evidence(award), *chosen]


# The ``genre`` (OB 3.0 Evidence, schema.org/genre) of the evidence entry that names the
# credential a renewal renews. OB 3.0 has no property for "renews"; an Evidence entry whose
# ``id`` is the old credential's verification page, with its ``urn:uuid`` in the name, says it
# in terms the OB context defines, and the credential's ``description`` says it in words.
RENEWAL_GENRE = "Renewal"


def _renewal_evidence(award: Award) -> list[dict]:
    old = award.renews
    if old is None:
        return []
    return [
        {
            "id": absolute(reverse("badges:verify", kwargs={"award_uuid": old.uuid})),
            "type": ["Evidence"],
            "name": f"Renews urn:uuid:{old.uuid}",
            "description": (
                f"This credential renews “{old.microcredential.title}”, awarded "
                f"{old.issued_at.date().isoformat()} (credential urn:uuid:{old.uuid})."
            ),
            "narrative": (
                "The educator renewed the earlier credential "
                f"({award.microcredential.get_renewal_plan_display()}); a review panel scored "
                "the renewal against the rubric and found it met the standard."
            ),
            "genre": RENEWAL_GENRE,
        }
    ]


def renewed_credential(credential: dict) -> dict | None:
    """The evidence entry of a signed renewal that names the credential it renews (its ``id``
    is that credential's verification page), read from the credential itself; None if it
    renews none."""
    for entry in credential.get("evidence", []):
        if entry.get("genre") == RENEWAL_GENRE and "id" in entry:
            return entry
    return None


def _renews_sentence(award: Award) -> str:
    if award.renews is None:
        return ""
    return (
        f" It renews the credential urn:uuid:{award.renews.uuid}, awarded "
        f"{award.renews.issued_at.date().isoformat()}."
    )


def open_badge_credential(award: Award) -> dict:
    """The unsigned OB 3.0 OpenBadgeCredential (VC 2.0) of ``award``."""
    district = award.district
    status_url = status_list_url(district)
    microcredential = award.microcredential
    hours = _number(microcredential.estimated_hours)
    credential = {
        "@context": [proofs.VC_V2_CONTEXT, proofs.OB_V3_CONTEXT],
        "id": f"urn:uuid:{award.uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": microcredential.title,
        "description": (
            f"{district.name} awards this micro-credential for demonstrated competency: "
            f"{microcredential.competency} ({hours} hours of professional learning)."
            + _renews_sentence(award)
        ),
        "issuer": issuer_profile(district),
        "validFrom": timestamp(award.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "identityHash": identity_hash(award.educator.email, award.recipient_salt),
                    "identityType": "emailAddress",
                    "salt": award.recipient_salt,
                }
            ],
            "achievement": achievement(award),
            "result": results(award),
        },
        "evidence": evidence(award),
        "credentialStatus": {
            "id": f"{status_url}#{award.status_list_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(award.status_list_index),
            "statusListCredential": status_url,
        },
    }
    if microcredential.pd_points:
        credential["credentialSubject"]["creditsEarned"] = _number(microcredential.pd_points)
    if award.expires_at is not None:
        credential["validUntil"] = timestamp(award.expires_at)
    return credential


def sign_for_district(district: keys.Issuer, document: dict, *, created: datetime) -> dict:
    """``document`` signed with the current key of ``district`` (or of a state office)."""
    key = keys.key_ensure(district)
    return proofs.sign(
        document,
        private_key=key.private_key,
        verification_method=keys.verification_method_id(district, key.key_id),
        created=timestamp(created),
    )


def encoded_list(revoked_indexes: set[int], size: int = STATUS_LIST_SIZE) -> str:
    """Multibase base64url (no padding) of the GZIP-compressed bitstring; index 0 is the
    left-most bit of the first byte, as the Bitstring Status List spec orders them."""
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode_list(encoded: str) -> bytes:
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def status_list_credential(district: keys.Issuer, revoked_indexes: set[int], *, now) -> dict:
    url = status_list_url(district)
    document = {
        "@context": [proofs.VC_V2_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.issuer_did(district),
        "validFrom": timestamp(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(revoked_indexes),
        },
    }
    return sign_for_district(district, document, created=now)


# --- Open Badges 2.0 (hosted verification) --------------------------------------------------


def ob2_issuer(district: District) -> dict:
    email = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": absolute(reverse("badges:ob2_issuer", kwargs={"slug": district.slug})),
        "name": district.name,
        "url": settings.SITE_URL,
        "email": email,
    }


def ob2_badge_class(microcredential: MicroCredential, *, image_url: str) -> dict:
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": absolute(reverse("badges:ob2_badge_class", kwargs={"pk": microcredential.pk})),
        "name": microcredential.title,
        "description": microcredential.competency,
        "image": image_url,
        "criteria": {
            "id": absolute(reverse("credentials:detail", kwargs={"pk": microcredential.pk})),
            "narrative": criteria_narrative(microcredential),
        },
        "issuer": absolute(
            reverse("badges:ob2_issuer", kwargs={"slug": microcredential.district.slug})
        ),
        "tags": microcredential.tag_list,
    }


def ob2_assertion(award: Award) -> dict:
    """The hosted Assertion; once revoked, only what OB 2.0 keeps of a revoked hosted assertion
    (``id``, ``revoked``, the reason), which the view serves with 410 Gone."""
    assertion_id = absolute(reverse("badges:ob2_assertion", kwargs={"award_uuid": award.uuid}))
    if award.is_revoked:
        return {
            "@context": OB2_CONTEXT,
            "type": "Assertion",
            "id": assertion_id,
            "revoked": True,
            "revocationReason": award.revocation_reason,
        }
    document = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_id,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.recipient_salt,
            "identity": identity_hash(award.educator.email, award.recipient_salt),
        },
        "badge": absolute(
            reverse("badges:ob2_badge_class", kwargs={"pk": award.microcredential_id})
        ),
        "verification": {"type": "HostedBadge"},
        "issuedOn": timestamp(award.issued_at),
        "image": absolute(reverse("badges:ob2_png", kwargs={"award_uuid": award.uuid})),
        "evidence": [
            {
                "id": absolute(reverse("badges:verify", kwargs={"award_uuid": award.uuid})),
                "narrative": evidence(award)[0]["narrative"],
            }
        ],
    }
    if award.expires_at is not None:
        document["expires"] = timestamp(award.expires_at)
    return document
