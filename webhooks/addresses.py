"""Where a webhook may be sent: the one home of the rule that keeps a subscription from making
the server call into its own network (server-side request forgery).

A receiver URL is HTTPS, without credentials, and every address its host resolves to is a
public one. Two settings relax it: ``WEBHOOK_ALLOW_LOOPBACK`` (on with DEBUG) admits this
machine's own addresses over plain HTTP or HTTPS, for a receiver under development;
``WEBHOOK_ALLOWED_NETWORKS`` lists networks admitted although private (a receiver inside the
district's network, or a test's). The rule is checked when the URL is saved and again at every
connection, on the address actually connected to, so a name that later resolves elsewhere
(DNS rebinding) is refused too.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class ReceiverRefused(ValueError):
    """A receiver URL or address the rule refuses; the message is for the district admin."""


def _plain(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(net, strict=False) for net in settings.WEBHOOK_ALLOWED_NETWORKS]


def address_allowed(address: IPAddress) -> bool:
    """May a webhook connect to ``address``?"""
    address = _plain(address)
    if address.is_loopback:
        return settings.WEBHOOK_ALLOW_LOOPBACK or any(address in net for net in _allowed_networks())
    if address.is_global and not address.is_multicast:
        return True
    return any(address in net for net in _allowed_networks())


def _resolve(host: str, port: int) -> list[tuple]:
    try:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise ReceiverRefused(f"The host “{host}” cannot be found.") from exc


def _refuse_address(host: str, address: str) -> None:
    raise ReceiverRefused(
        f"“{host}” is at {address}, a private or local address; webhooks are only sent to "
        "public addresses."
    )


def receiver_url_check(url: str) -> None:
    """Raise ReceiverRefused unless webhooks may be sent to ``url``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise ReceiverRefused("Give the full address, starting with https://.")
    if parts.username or parts.password:
        raise ReceiverRefused("Leave the user name and password out of the address.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ReceiverRefused("The port of the address is not a number.") from exc
    resolved = _resolve(host, port)
    addresses = {_plain(ipaddress.ip_address(info[4][0])) for info in resolved}
    if parts.scheme == "http" and not (
        settings.WEBHOOK_ALLOW_LOOPBACK and all(a.is_loopback for a in addresses)
    ):
        raise ReceiverRefused("The address must start with https://: webhooks are sent encrypted.")
    for address in sorted(addresses, key=str):
        if not address_allowed(address):
            _refuse_address(host, str(address))


def connect_checked(
    address: tuple[str, int], timeout: float | None = None, source_address=None
) -> socket.socket:
    """``socket.create_connection`` for the webhook sender: every address the host resolves to
    must be allowed, and the connection goes to one of those very addresses."""
    host, port = address
    resolved = _resolve(host, port)
    for *_, sockaddr in resolved:
        if not address_allowed(ipaddress.ip_address(sockaddr[0])):
            _refuse_address(host, sockaddr[0])
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in resolved:
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        return sock
    raise error or OSError(f"No address found for {host}.")
