"""What the API says of each record, and what it accepts. Input validation only: the rules
are the services'."""

from django.urls import reverse
from rest_framework import serializers

from accounts.models import Building, User
from badges import open_badges
from badges.models import Award
from credentials.models import MicroCredential
from submissions.models import Submission

from .services import ROLE_NAMES


class StrictCharField(serializers.CharField):
    """Text, and only text: a number sent for a name is refused, not turned into one."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false, and only those."""

    def to_internal_value(self, data):
        if not isinstance(data, bool) and data not in ("true", "false"):
            self.fail("invalid", input=data)
        return super().to_internal_value(data)


# --- What the lists are filtered by (the query string) --------------------------------------------


class PeopleQuerySerializer(serializers.Serializer):
    active = StrictBooleanField(required=False, help_text="Active or deactivated only.")
    role = serializers.ChoiceField(
        choices=list(ROLE_NAMES), required=False, help_text="Holding a role."
    )
    building = serializers.CharField(required=False, help_text="A building's external id.")


class SubmissionQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Submission.Status.values, required=False)
    educator = serializers.CharField(required=False, help_text="An educator's external id.")
    changed_since = serializers.DateTimeField(
        required=False, help_text="Moved at or after this moment."
    )


class AwardQuerySerializer(serializers.Serializer):
    educator = serializers.CharField(required=False, help_text="An educator's external id.")
    counting = StrictBooleanField(required=False, help_text="Only the awards that count (or not).")


def query_of(serializer_class, request) -> dict:
    """The validated filters of ``request``'s query string (400 for a wrong one)."""
    # A plain dict, not the QueryDict: an empty ?role= is a wrong value, not a missing one.
    query = serializer_class(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    return query.validated_data


class PersonRefSerializer(serializers.ModelSerializer):
    """A person as other records name them."""

    class Meta:
        model = User
        fields = ["id", "external_id", "email", "first_name", "last_name"]


class BuildingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Building
        fields = ["id", "external_id", "name"]


class BuildingSyncSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200)

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Give the building's name.")
        return value


class PersonSerializer(serializers.ModelSerializer):
    building = serializers.SlugRelatedField(
        slug_field="external_id",
        read_only=True,
        allow_null=True,
        help_text="The external id of their building.",
    )
    roles = serializers.SerializerMethodField()
    active = serializers.BooleanField(source="is_active")

    class Meta:
        model = User
        fields = [
            "id",
            "external_id",
            "email",
            "first_name",
            "last_name",
            "building",
            "roles",
            "active",
            "last_login",
        ]

    def get_roles(self, person: User) -> list[str]:
        return [name for name, flag in ROLE_NAMES.items() if getattr(person, flag)]


class PersonSyncSerializer(serializers.Serializer):
    """A person as the SIS or HR sends them, by their external id (in the URL)."""

    email = serializers.EmailField(max_length=254)
    first_name = StrictCharField(max_length=150, allow_blank=True, default="")
    last_name = StrictCharField(max_length=150, allow_blank=True, default="")
    building = StrictCharField(
        max_length=100,
        allow_null=True,
        required=False,
        default=None,
        help_text="The external id of their building, or null.",
    )
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=list(ROLE_NAMES)), min_length=1, max_length=3
    )
    active = StrictBooleanField(default=True)


class InvitationSerializer(serializers.Serializer):
    """The answer to a sync that names nobody the district knows yet: an invitation was sent
    (the person appears in the list once created)."""

    external_id = serializers.CharField()
    email = serializers.EmailField()
    detail = serializers.CharField()


class CatalogEntrySerializer(serializers.ModelSerializer):
    stack = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = MicroCredential
        fields = [
            "id",
            "lineage",
            "version",
            "title",
            "competency",
            "stack",
            "rigor",
            "grade_band",
            "estimated_hours",
            "pd_points",
            "valid_for_days",
            "renewal_plan",
            "published_at",
        ]


class MicroCredentialRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = MicroCredential
        fields = ["id", "lineage", "title"]


class SubmissionSerializer(serializers.ModelSerializer):
    """A plan's submission: where it stands and when it moved; never its evidence."""

    educator = PersonRefSerializer(read_only=True)
    microcredential = MicroCredentialRefSerializer(source="plan.microcredential", read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "educator",
            "microcredential",
            "status",
            "attempt_count",
            "created_at",
            "plan_submitted_at",
            "plan_decided_at",
            "submitted_for_review_at",
            "decided_at",
            "status_changed_at",
        ]


class AwardSerializer(serializers.ModelSerializer):
    educator = PersonRefSerializer(read_only=True)
    microcredential = MicroCredentialRefSerializer(read_only=True)
    status = serializers.CharField(source="verification_status", read_only=True)
    counts = serializers.BooleanField(read_only=True)
    verification_url = serializers.SerializerMethodField()
    credential = serializers.JSONField(read_only=True)
    renews = serializers.UUIDField(
        source="renews.uuid",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The award this one renews (a renewal counts in its place).",
    )

    class Meta:
        model = Award
        fields = [
            "uuid",
            "educator",
            "microcredential",
            "status",
            "counts",
            "renews",
            "issued_at",
            "expires_at",
            "revoked_at",
            "revocation_reason",
            "verification_url",
            "credential",
        ]

    def get_verification_url(self, award: Award) -> str:
        return open_badges.absolute(reverse("badges:verify", kwargs={"award_uuid": award.uuid}))


class AwardRevokeSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=2000)


class LedgerEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["credit", "reversal"])
    recorded_at = serializers.DateTimeField()
    award = serializers.UUIDField(source="award.uuid")
    educator = PersonRefSerializer()
    microcredential = MicroCredentialRefSerializer()
    effective_on = serializers.DateField(help_text="The day the award was decided.")
    salary_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    pd_points = serializers.DecimalField(max_digits=12, decimal_places=2)
    clock_hours = serializers.DecimalField(max_digits=12, decimal_places=2)
    reason = serializers.CharField(help_text="Why the award was revoked (reversals).")
    renews = serializers.UUIDField(
        source="renews.uuid",
        allow_null=True,
        default=None,
        help_text="The award this one renews; a renewal is no new credit, so its amounts are 0.",
    )


class LedgerQuerySerializer(serializers.Serializer):
    cursor = serializers.IntegerField(
        required=False,
        default=0,
        min_value=0,
        help_text="The next_cursor of your last call (the id of the last entry you received); "
        "none: from the beginning.",
    )
    limit = serializers.IntegerField(
        required=False, default=100, min_value=1, max_value=500, help_text="Entries at most."
    )


class LedgerPageSerializer(serializers.Serializer):
    entries = LedgerEntrySerializer(many=True)
    next_cursor = serializers.IntegerField(
        help_text="Keep it: the next call with it returns what was recorded since."
    )
    has_more = serializers.BooleanField()


class RenewalSerializer(serializers.ModelSerializer):
    """An educator's re-licensure in the current window."""

    renewal = serializers.CharField(read_only=True)
    earned_count = serializers.IntegerField(read_only=True)
    in_progress_count = serializers.IntegerField(read_only=True)
    earned_points = serializers.DecimalField(
        max_digits=12,
        decimal_places=1,
        read_only=True,
        allow_null=True,
        help_text="PD points earned in the window; null when the rule counts no points.",
    )
    in_progress_points = serializers.DecimalField(
        max_digits=12,
        decimal_places=1,
        read_only=True,
        allow_null=True,
        help_text="PD points the plans in progress would be worth; null when the rule counts "
        "no points.",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "external_id",
            "email",
            "first_name",
            "last_name",
            "renewal",
            "earned_count",
            "in_progress_count",
            "earned_points",
            "in_progress_points",
        ]
