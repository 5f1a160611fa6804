"""The clamd client against a small clamd speaking the INSTREAM protocol over TCP.

The server here reads ``zINSTREAM\\0``, then length-prefixed chunks up to a zero length, and
answers as clamd does: ``stream: OK`` or ``stream: Eicar-Signature FOUND`` (NUL-terminated).
"""

import socket
import struct
import threading

import pytest

from submissions.artifact_checks import ClamdError, clamd_scan
from submissions.models import Artifact

from .conftest import png_bytes, upload

# The standard antivirus test file (harmless by design), assembled so this source is not it.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd:
    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.commands: list[bytes] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def read_exact(self, conn, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise ConnectionError("client went away")
            data += chunk
        return data

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                command = b""
                while not command.endswith(b"\0"):
                    command += self.read_exact(conn, 1)
                self.commands.append(command)
                if command != b"zINSTREAM\0":
                    conn.sendall(b"UNKNOWN COMMAND\0")
                    continue
                stream = b""
                while True:
                    (length,) = struct.unpack("!L", self.read_exact(conn, 4))
                    if length == 0:
                        break
                    stream += self.read_exact(conn, length)
                self.received.append(stream)
                if b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in stream:
                    conn.sendall(b"stream: Eicar-Signature FOUND\0")
                else:
                    conn.sendall(b"stream: OK\0")

    def close(self):
        self.sock.close()


@pytest.fixture
def clamd(settings):
    server = FakeClamd()
    settings.CLAMD_HOST = "127.0.0.1"
    settings.CLAMD_PORT = server.port
    yield server
    server.close()


def test_the_client_streams_length_prefixed_chunks_and_reads_the_verdict(clamd):
    assert clamd_scan([b"hello ", b"world"], host="127.0.0.1", port=clamd.port) == ""
    assert clamd.commands[-1] == b"zINSTREAM\0"
    assert clamd.received[-1] == b"hello world"
    found = clamd_scan([EICAR[:10], EICAR[10:]], host="127.0.0.1", port=clamd.port)
    assert found == "Eicar-Signature"


def test_an_unreachable_scanner_is_an_error_to_retry_not_a_verdict():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ClamdError, match="could not be reached"):
        clamd_scan([b"x"], host="127.0.0.1", port=port, timeout=2)


@pytest.mark.integration
def test_an_eicar_file_is_refused_when_a_scanner_is_configured(
    clamd, educator_client, submission, s3_storage, django_capture_on_commit_callbacks
):
    artifact = upload(
        educator_client,
        submission,
        "eicar.txt",
        EICAR,
        capture=django_capture_on_commit_callbacks,
    )
    assert artifact.status == Artifact.Status.REFUSED
    assert artifact.refusal_reason.startswith(
        "The virus scanner found “Eicar-Signature” in this file; it was deleted."
    )
    assert clamd.received[-1] == EICAR
    listed = s3_storage["client"].list_objects_v2(Bucket=s3_storage["bucket"], Prefix="districts/")
    assert not any(str(artifact.uuid) in o["Key"] for o in listed.get("Contents", []))
    clean = upload(
        educator_client,
        submission,
        "clean.png",
        png_bytes(),
        capture=django_capture_on_commit_callbacks,
    )
    assert clean.status == Artifact.Status.ACCEPTED
    assert clamd.received[-1] == png_bytes()
