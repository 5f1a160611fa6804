"""The API's resources. Each reads through the selectors of the app that owns the record and
writes through its services; a client sees its own district only."""

from functools import wraps

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Building, User
from badges.models import Award
from badges.services import award_revoke
from credentials.models import MicroCredential
from credentials.selectors import published_catalog_for_user
from people.services import invitation_sent_message
from reports.selectors import ReportFilters, program_headline, relicensure
from submissions.models import Submission

from . import selectors, serializers, services
from .permissions import client_address
from .problems import Conflict, UnprocessableContent

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Send the same key again with the same request to get the same answer, "
    "without the change being made twice (kept 24 hours).",
)


def idempotent(write_action):
    """A write honouring ``Idempotency-Key``: the first request with a key is carried out and
    its answer kept; the same key and request again get that answer (``Idempotent-Replayed``);
    the same key with another request is refused (422), and while the first is still being
    answered (409)."""

    @wraps(write_action)
    def write(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return write_action(self, request, *args, **kwargs)
        if len(key) > 255:
            raise ValidationError({"Idempotency-Key": ["At most 255 characters."]})
        fingerprint = services.request_fingerprint(
            method=request.method, path=request.path, body=request.data
        )
        record, first = services.idempotent_write_claim(
            client=request.api_client, key=key, fingerprint=fingerprint
        )
        if not first:
            if record.fingerprint != fingerprint:
                raise UnprocessableContent(
                    "This Idempotency-Key was sent with another request; use a new key."
                )
            if record.status is None:
                raise Conflict("The request with this Idempotency-Key is still being answered.")
            return Response(
                record.body, status=record.status, headers={"Idempotent-Replayed": "true"}
            )
        try:
            response = write_action(self, request, *args, **kwargs)
        except Exception:
            services.idempotent_write_forget(record=record)
            raise
        services.idempotent_write_store(
            record=record, status=response.status_code, body=response.data
        )
        return response

    return write


class ClientViewMixin:
    """Every call of a client is logged with it, whatever the answer."""

    read_scope = ""
    write_scope = ""
    # An action that needs its own scope names it: @action(..., required_scope=...).
    required_scope: str | None = None

    @property
    def client(self):
        return self.request.api_client

    @property
    def describing_schema(self) -> bool:
        """drf-spectacular is describing the view: there is no client to read for."""
        return getattr(self, "swagger_fake_view", False)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        client = getattr(request, "api_client", None)
        if client is not None:
            services.api_call_record(
                client=client,
                method=request.method,
                path=request.get_full_path(),
                status=response.status_code,
                address=client_address(request) or None,
            )
        return response


# --- Buildings and people (the roster) ------------------------------------------------------------


class BuildingViewSet(ClientViewMixin, viewsets.ReadOnlyModelViewSet):
    """The district's buildings, known by the external id the district's systems give them."""

    read_scope = "people:read"
    write_scope = "people:write"
    serializer_class = serializers.BuildingSerializer
    lookup_field = "external_id"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[Building]:
        if self.describing_schema:
            return Building.objects.none()
        return Building.objects.filter(district=self.client.district)

    @extend_schema(
        request=serializers.BuildingSyncSerializer,
        responses={200: serializers.BuildingSerializer, 201: serializers.BuildingSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent
    def update(self, request, external_id: str):
        """Create the building, or rename it: the same request twice changes nothing."""
        body = serializers.BuildingSyncSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        synced = services.building_sync(
            client=self.client, external_id=external_id, name=body.validated_data["name"]
        )
        return Response(
            self.get_serializer(synced.record).data,
            status=status.HTTP_201_CREATED if synced.created else status.HTTP_200_OK,
        )

    @extend_schema(parameters=[IDEMPOTENCY_KEY], responses={204: None})
    @idempotent
    def destroy(self, request, external_id: str):
        """Delete the building; its people stay, without a building."""
        services.building_remove(client=self.client, building=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(list=extend_schema(parameters=[serializers.PeopleQuerySerializer]))
class PersonViewSet(ClientViewMixin, viewsets.ReadOnlyModelViewSet):
    """The district's people, known by the external id the district's systems give them."""

    read_scope = "people:read"
    write_scope = "people:write"
    serializer_class = serializers.PersonSerializer
    lookup_field = "external_id"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[User]:
        if self.describing_schema:
            return User.objects.none()
        people = User.objects.filter(district=self.client.district).select_related("building")
        if self.action != "list":
            return people
        query = serializers.query_of(serializers.PeopleQuerySerializer, self.request)
        if "active" in query:
            people = people.filter(is_active=query["active"])
        if "role" in query:
            people = people.filter(**{services.ROLE_NAMES[query["role"]]: True})
        if "building" in query:
            people = people.filter(building__external_id=query["building"])
        return people

    @extend_schema(
        request=serializers.PersonSyncSerializer,
        responses={200: serializers.PersonSerializer, 202: serializers.InvitationSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent
    def update(self, request, external_id: str):
        """Create, update, deactivate or reactivate the person: the roster sync. Someone the
        district does not know yet is invited by e-mail (202; they are listed from then on,
        unless the address cannot join the district, which is not said, as on the web page);
        the same request twice changes nothing."""
        body = serializers.PersonSyncSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        synced = services.person_sync(
            client=self.client,
            external_id=external_id,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            building_external_id=data["building"],
            roles=data["roles"],
            active=data["active"],
        )
        if synced.invited:
            email = data["email"]
            answer = {
                "external_id": external_id,
                "email": email.strip().lower(),
                "detail": invitation_sent_message(email),
            }
            return Response(answer, status=status.HTTP_202_ACCEPTED)
        person = User.objects.select_related("building").get(pk=synced.record.pk)
        return Response(self.get_serializer(person).data)

    @extend_schema(parameters=[IDEMPOTENCY_KEY], responses={200: serializers.PersonSerializer})
    @idempotent
    def destroy(self, request, external_id: str):
        """Deactivate the person (their plans, records and awards stay)."""
        person = services.person_deactivate(client=self.client, person=self.get_object())
        return Response(self.get_serializer(person).data)


# --- The catalog, submissions, awards -------------------------------------------------------------


class CatalogViewSet(ClientViewMixin, viewsets.ReadOnlyModelViewSet):
    """The district's published catalog."""

    read_scope = "catalog:read"
    serializer_class = serializers.CatalogEntrySerializer

    def get_queryset(self):
        if self.describing_schema:
            return MicroCredential.objects.none()
        return published_catalog_for_user(self.client.created_by)


@extend_schema_view(list=extend_schema(parameters=[serializers.SubmissionQuerySerializer]))
class SubmissionViewSet(ClientViewMixin, viewsets.ReadOnlyModelViewSet):
    """Plans' submissions: their status and dates, never their evidence."""

    read_scope = "progress:read"
    serializer_class = serializers.SubmissionSerializer

    def get_queryset(self):
        if self.describing_schema:
            return Submission.objects.none()
        submissions = Submission.objects.filter(district=self.client.district).select_related(
            "educator", "plan__microcredential"
        )
        if self.action != "list":
            return submissions
        query = serializers.query_of(serializers.SubmissionQuerySerializer, self.request)
        if "status" in query:
            submissions = submissions.filter(status=query["status"])
        if "educator" in query:
            submissions = submissions.filter(educator__external_id=query["educator"])
        if "changed_since" in query:
            submissions = submissions.filter(status_changed_at__gte=query["changed_since"])
        return submissions


@extend_schema_view(list=extend_schema(parameters=[serializers.AwardQuerySerializer]))
class AwardViewSet(ClientViewMixin, viewsets.ReadOnlyModelViewSet):
    """Awards, with their verification URL and their signed credential."""

    read_scope = "awards:read"
    write_scope = "awards:write"
    serializer_class = serializers.AwardSerializer
    lookup_field = "uuid"

    def get_queryset(self):
        if self.describing_schema:
            return Award.objects.none()
        # Whether an award counts reads its renewal (a renewed award counts no more).
        awards = Award.objects.filter(district=self.client.district).select_related(
            "educator", "microcredential", "renews", "renewed_by"
        )
        if self.action != "list":
            return awards
        query = serializers.query_of(serializers.AwardQuerySerializer, self.request)
        if "educator" in query:
            awards = awards.filter(educator__external_id=query["educator"])
        if query.get("counting") is True:
            awards = awards.counting()
        elif query.get("counting") is False:
            awards = awards.exclude(pk__in=Award.objects.counting().values("pk"))
        return awards

    @extend_schema(
        request=serializers.AwardRevokeSerializer,
        responses={200: serializers.AwardSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    @action(detail=True, methods=["post"], required_scope="awards:write")
    @idempotent
    def revoke(self, request, uuid: str):
        """Revoke the award; its verification page and the status list say so, with the
        reason, and the ledger gets a reversal."""
        body = serializers.AwardRevokeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        award = award_revoke(
            award=self.get_object(),
            reason=body.validated_data["reason"],
            actor=services.api_client_actor(self.client),
        )
        award = self.get_queryset().get(pk=award.pk)
        return Response(self.get_serializer(award).data)


# --- HR's ledger, re-licensure, report figures ----------------------------------------------------


class LedgerView(ClientViewMixin, APIView):
    read_scope = "ledger:read"

    @extend_schema(
        parameters=[serializers.LedgerQuerySerializer],
        responses={200: serializers.LedgerPageSerializer},
    )
    def get(self, request):
        """The salary ledger since your last sync: each award issued (a credit of its salary
        increase, PD points and clock hours) and each revocation (a reversal of the same); so
        too each award earned elsewhere in the state that your district accepted to pay. An
        award and its renewals are credited once: a renewal's entries carry amounts of 0 while
        another award of the credential is held."""
        query = serializers.query_of(serializers.LedgerQuerySerializer, request)
        page = selectors.ledger_since(district=self.client.district, **query)
        return Response(serializers.LedgerPageSerializer(page).data)


class RenewalViewSet(ClientViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Each educator's re-licensure status in the current renewal window: met, on track, at
    risk (or, once it has closed, met or not met)."""

    read_scope = "progress:read"
    serializer_class = serializers.RenewalSerializer

    def get_queryset(self):
        if self.describing_schema:
            return User.objects.none()
        report = relicensure(district=self.client.district, filters=ReportFilters())
        return report["people"]


class ReportFiguresView(ClientViewMixin, APIView):
    read_scope = "reports:read"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        """The program's headline figures, as the admin's dashboard shows them: plans by stage,
        earned in the cycle under way by building, pass rates, turnaround, re-licensure."""
        return Response(program_headline(district=self.client.district))


class NoSuchRoute(APIView):
    """Anything under /api/ that is no route of the API: a problem, as every answer is."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []

    @extend_schema(exclude=True)
    def get(self, request, rest: str):
        raise NotFound("The API has no such route. Its routes are listed at /api/docs/.")

    post = put = patch = delete = get
