"""Receivers are public HTTPS addresses in production: no plain HTTP, no private, loopback or
link-local address (server-side request forgery), unless a setting admits them."""

import pytest

from webhooks.addresses import ReceiverRefused, receiver_url_check


@pytest.fixture(autouse=True)
def production(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    settings.WEBHOOK_ALLOWED_NETWORKS = []


@pytest.mark.parametrize(
    ("url", "because"),
    [
        ("http://93.184.215.14/hooks", "https://"),
        ("ftp://93.184.215.14/hooks", "https://"),
        ("https://127.0.0.1/hooks", "private or local"),
        ("https://localhost:8443/hooks", "private or local"),
        ("https://[::1]/hooks", "private or local"),
        ("https://[::ffff:127.0.0.1]/hooks", "private or local"),
        ("https://10.1.2.3/hooks", "private or local"),
        ("https://192.168.0.10/hooks", "private or local"),
        ("https://169.254.169.254/latest/meta-data/", "private or local"),
        ("https://100.64.0.1/hooks", "private or local"),
        ("https://0.0.0.0/hooks", "private or local"),
        ("https://user:pw@93.184.215.14/hooks", "user name"),
        ("https://no-such-host.invalid/hooks", "cannot be found"),
    ],
)
def test_production_refuses(url, because):
    with pytest.raises(ReceiverRefused, match=because):
        receiver_url_check(url)


def test_a_public_https_address_is_accepted():
    receiver_url_check("https://93.184.215.14:8443/hooks/microcreds?district=7")


def test_loopback_over_http_is_admitted_only_when_the_setting_says_so(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    receiver_url_check("http://localhost:8000/hooks")
    receiver_url_check("http://127.0.0.1:8000/hooks")
    with pytest.raises(ReceiverRefused, match="https://"):
        receiver_url_check("http://93.184.215.14/hooks")
    with pytest.raises(ReceiverRefused, match="private or local"):
        receiver_url_check("https://10.1.2.3/hooks")


def test_a_private_network_on_the_allow_list_is_admitted_over_https(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    receiver_url_check("https://10.20.3.4/hooks")
    with pytest.raises(ReceiverRefused, match="https://"):
        receiver_url_check("http://10.20.3.4/hooks")
    with pytest.raises(ReceiverRefused, match="private or local"):
        receiver_url_check("https://10.21.0.1/hooks")


@pytest.mark.django_db
def test_an_address_refused_when_sending_is_never_connected_to(
    receiver, subscribe, educator, settings, django_capture_on_commit_callbacks
):
    """Saved while admitted, refused at the connection (as a name that now resolves to a
    private address would be): the receiver sees nothing and the delivery waits."""
    from badges.services import award_issue_for_submission
    from tests.badges.factories import earned_submission
    from webhooks.models import WebhookDelivery

    subscribe(receiver.url.replace("127.0.0.1", "localhost"))
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with django_capture_on_commit_callbacks(execute=True):
        award_issue_for_submission(submission_id=earned_submission(educator=educator).pk)

    delivery = WebhookDelivery.objects.get()
    assert receiver.received == []
    assert "private or local" in delivery.last_error
    assert delivery.next_attempt_at is not None
