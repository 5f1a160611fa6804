"""The matrix's world, shared by the modules that walk every route (test_matrix.py,
test_hostile_input.py): built once per module, signed in once per actor."""

import logging

import pytest
from django.conf import settings
from django.test import Client

from .matrix import ALL_ACTORS, LEAVER

# --- the world -----------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def quiet_refusals():
    """Every refusal the matrix provokes would log a warning with its traceback."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(scope="module")
def webhook_receivers_admitted():
    """The world's webhook receivers are on this machine (a closed port): admitted here as a
    district's private network would be (``WEBHOOK_ALLOWED_NETWORKS``), over HTTPS only."""
    from django.test import override_settings

    override = override_settings(WEBHOOK_ALLOWED_NETWORKS=["127.0.0.0/8"])
    override.enable()
    yield
    override.disable()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, s3_storage, webhook_receivers_admitted):
    from django.core.management import call_command

    from .world import build_world

    with django_db_blocker.unblock():
        built = build_world()
        # One session per actor, signed in once: each test only presents its cookie.
        built.sessions = {}
        for actor in (*ALL_ACTORS, LEAVER):
            if built.user(actor) is not None:
                client = Client()
                client.force_login(built.user(actor))
                built.sessions[actor] = client.cookies[settings.SESSION_COOKIE_NAME].value
    yield built
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
