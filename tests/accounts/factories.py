import factory
from allauth.account.models import EmailAddress

from accounts.models import Building, District, DistrictGoal, State, User

PASSWORD = "correct-horse-battery-staple"


class StateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = State

    name = factory.Sequence(lambda n: f"State {n}")
    slug = factory.Sequence(lambda n: f"state-{n}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"District {n}")
    slug = factory.Sequence(lambda n: f"district-{n}")
    signatory_name = "Dr. Pat Lee"
    signatory_title = "Superintendent"


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"School {n}")


class DistrictGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DistrictGoal

    district = factory.SubFactory(DistrictFactory)
    title = factory.Sequence(lambda n: f"District goal {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified e-mail and the password ``PASSWORD``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    district = factory.SubFactory(DistrictFactory)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class EducatorFactory(UserFactory):
    is_educator = True


class ReviewerFactory(UserFactory):
    is_reviewer = True


class DistrictAdminFactory(UserFactory):
    is_district_admin = True


class StateAdminFactory(UserFactory):
    """An admin of a state: of the state, in no district."""

    district = None
    state = factory.SubFactory(StateFactory)
    is_state_admin = True
