import pytest

from tests.webhooks.receiver import Receiver, free_port


@pytest.fixture
def receiver():
    """A receiving system on a free loopback port, up and answering 200."""
    running = Receiver(port=free_port())
    running.start()
    yield running
    running.stop()


@pytest.fixture
def loopback_receivers(settings):
    """Receivers on this machine are admitted, as with DEBUG (production refuses them)."""
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 2.0


@pytest.fixture
def subscribe(district_admin, loopback_receivers):
    """Subscribe a URL of the admin's district to events (all by default); returns the
    subscription and its secret, as the page shows it once."""
    from webhooks.models import EventType
    from webhooks.services import subscription_create

    def make(url: str, events=None, admin=None):
        admin = admin or district_admin
        return subscription_create(
            district=admin.district,
            url=url,
            description="HR salary system",
            events=list(events or EventType.values),
            actor=admin,
        )

    return make
