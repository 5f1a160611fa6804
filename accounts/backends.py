"""Sign-in backends: Django's and allauth's, refusing the people of a suspended district.

``user_can_authenticate`` is asked at sign-in and on every request of a session
(``get_user``): a district suspended while its people are signed in signs them out at their
next request. allauth keeps a refused person whose password was right, and its adapter's
``pre_login`` (``adapters.AccountAdapter``) tells them why.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError

from microcreds.prepared import PreparedQuery

from .models import User

# Every signed-in request reads its person: the SQL is built once per process
# (microcreds.prepared).
_signed_in_person = PreparedQuery(
    lambda pk: User._default_manager.select_related("district", "state").filter(pk=pk), int
)


class _RefusesSuspendedDistricts:
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not user.district_suspended

    def get_user(self, user_id):
        # The district (and state) come with the person: the suspension check and the layout's
        # name under the brand cost no query of their own.
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = _signed_in_person.first(pk)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_RefusesSuspendedDistricts, DjangoModelBackend):
    pass


class AuthenticationBackend(_RefusesSuspendedDistricts, AllauthBackend):
    pass
