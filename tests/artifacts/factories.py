"""Artifacts already checked and stored, for tests of the pages around them."""

import uuid

import factory

from artifacts.models import Artifact
from artifacts.services import accepted_key


class ArtifactFactory(factory.django.DjangoModelFactory):
    """An accepted text file of ``submission``, stored on the default S3 server when ``store``."""

    class Meta:
        model = Artifact
        skip_postgeneration_save = True

    uuid = factory.LazyFunction(uuid.uuid4)
    district = factory.SelfAttribute("submission.district")
    title = factory.Sequence(lambda n: f"Student work sample {n}")
    original_name = "work.txt"
    content_type = "text/plain"
    size = 20
    status = Artifact.Status.ACCEPTED
    confirmed_no_identifying_info = True
    confirmed_consent_on_file = True
    storage_key = factory.LazyAttribute(lambda o: accepted_key(o, "work.txt"))
    uploaded_by = factory.SelfAttribute("submission.educator")

    @factory.post_generation
    def store(obj, create, extracted, **kwargs):
        if create and extracted:
            from artifacts import storage

            storage.put(
                key=obj.storage_key, data=b"student work sample\n", content_type="text/plain"
            )
