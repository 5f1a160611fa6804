"""Where artifact bytes live: a private S3 bucket when configured, else local files.

S3: the browser uploads straight to the bucket with a presigned POST (small files) or presigned
multipart part URLs (large files); reads are short-lived presigned GETs. Local files (the
embedded default): the app receives the body in chunks and serves reads through a signed URL.
"""

import functools
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import boto3
from botocore.client import Config
from botocore.exceptions import ClientError
from django.conf import settings
from django.core import signing
from django.urls import reverse

from microcreds.downloads import content_disposition

QUARANTINE_TYPE = "application/octet-stream"
CHUNK = 1024 * 1024
# S3's limit for a single CopyObject request; larger objects are copied in parts.
COPY_OBJECT_MAX = 5 * 1024**3
LOCAL_URL_SALT = "submissions.artifact_local_file"


def use_s3() -> bool:
    return bool(settings.USE_S3)


def endpoint_url() -> str:
    """The S3 endpoint the browser talks to (the CSP's connect-src allows exactly this origin)."""
    return (
        settings.AWS_S3_ENDPOINT_URL or f"https://s3.{settings.AWS_S3_REGION_NAME}.amazonaws.com"
    ).rstrip("/")


def bucket() -> str:
    return settings.AWS_STORAGE_BUCKET_NAME


def s3_client():
    return _client(
        endpoint_url(),
        settings.AWS_ACCESS_KEY_ID,
        settings.AWS_SECRET_ACCESS_KEY,
        settings.AWS_S3_REGION_NAME,
    )


@functools.lru_cache(maxsize=4)
def _client(endpoint: str, key_id: str | None, secret: str | None, region: str):
    # Building a client costs tens of milliseconds; clients are thread-safe, so keep one.
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        region_name=region,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def url_seconds() -> int:
    # Never longer than five minutes, whatever the setting says.
    return min(int(getattr(settings, "PRESIGNED_URL_SECONDS", 300)), 300)


# --- Upload grants (S3) ---------------------------------------------------------------------


def presigned_post(*, key: str, max_bytes: int, expires_in: int) -> dict:
    """A POST policy for exactly ``key``, 1..max_bytes long, stored as an opaque octet stream."""
    return s3_client().generate_presigned_post(
        Bucket=bucket(),
        Key=key,
        Fields={"Content-Type": QUARANTINE_TYPE, "success_action_status": "201"},
        Conditions=[
            {"Content-Type": QUARANTINE_TYPE},
            {"success_action_status": "201"},
            ["content-length-range", 1, max_bytes],
        ],
        ExpiresIn=expires_in,
    )


def multipart_create(*, key: str) -> str:
    """A multipart upload whose every part carries its CRC32, which storage verifies on receipt."""
    # Private like every object the app stores (django-storages' default_acl): the object the
    # parts make is never readable without a signature.
    response = s3_client().create_multipart_upload(
        Bucket=bucket(),
        Key=key,
        ContentType=QUARANTINE_TYPE,
        ChecksumAlgorithm="CRC32",
        ACL="private",
    )
    return response["UploadId"]


def multipart_part_urls(
    *, key: str, upload_id: str, checksums: dict[int, str], expires_in: int
) -> dict[int, str]:
    """A PUT URL per part number, each signed for the part's CRC32 (base64, big-endian).

    The checksum is a signed header (``x-amz-checksum-crc32``): the browser must send exactly
    that value, and storage refuses a part whose bytes do not match it (``BadDigest``).
    """
    client = s3_client()
    return {
        number: client.generate_presigned_url(
            "upload_part",
            Params={
                "Bucket": bucket(),
                "Key": key,
                "UploadId": upload_id,
                "PartNumber": number,
                "ChecksumCRC32": checksum,
            },
            ExpiresIn=expires_in,
        )
        for number, checksum in checksums.items()
    }


def multipart_parts(*, key: str, upload_id: str) -> list[dict]:
    """The parts storage holds for this upload (what a resumed upload can skip)."""
    client = s3_client()
    parts: list[dict] = []
    marker = 0
    while True:
        response = client.list_parts(
            Bucket=bucket(), Key=key, UploadId=upload_id, PartNumberMarker=marker
        )
        parts.extend(
            {
                "PartNumber": p["PartNumber"],
                "ETag": p["ETag"],
                "Size": p["Size"],
                **({"ChecksumCRC32": p["ChecksumCRC32"]} if "ChecksumCRC32" in p else {}),
            }
            for p in response.get("Parts", [])
        )
        if not response.get("IsTruncated"):
            return parts
        marker = response["NextPartNumberMarker"]


def multipart_complete(*, key: str, upload_id: str, parts: list[dict]) -> None:
    """Assemble ``parts`` (as ``multipart_parts`` lists them).

    An upload created with a checksum algorithm must name each part's checksum here too (S3
    refuses the request otherwise), so each part's CRC32 goes back as storage listed it.
    """
    completed = [
        {field: p[field] for field in ("PartNumber", "ETag", "ChecksumCRC32") if field in p}
        for p in parts
    ]
    s3_client().complete_multipart_upload(
        Bucket=bucket(), Key=key, UploadId=upload_id, MultipartUpload={"Parts": completed}
    )


def multipart_abort(*, key: str, upload_id: str) -> None:
    try:
        s3_client().abort_multipart_upload(Bucket=bucket(), Key=key, UploadId=upload_id)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("NoSuchUpload", "404"):
            raise


# --- Local files ------------------------------------------------------------------------------


def local_path(key: str) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / key).resolve()
    if root not in path.parents:
        raise ValueError("A storage key left the media folder.")
    return path


def local_receive(*, key: str, stream: IO[bytes], max_bytes: int) -> int:
    """Write the request body to disk in 1 MB chunks; stop past ``max_bytes``. Return the size."""
    path = local_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    received = 0
    with open(path, "wb") as out:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            received += len(chunk)
            if received > max_bytes:
                break
            out.write(chunk)
    return received


# --- Reading, writing, moving, deleting (either store) ----------------------------------------


def size_of(key: str) -> int | None:
    """The stored size (S3: a HEAD request), or None when nothing is stored under ``key``."""
    if use_s3():
        try:
            return s3_client().head_object(Bucket=bucket(), Key=key)["ContentLength"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
    path = local_path(key)
    return path.stat().st_size if path.is_file() else None


def list_keys(prefix: str) -> list[str]:
    """Every key stored under ``prefix`` (a folder: it ends with "/")."""
    if use_s3():
        pages = (
            s3_client().get_paginator("list_objects_v2").paginate(Bucket=bucket(), Prefix=prefix)
        )
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))
    folder = local_path(prefix)
    if not folder.is_dir():
        return []
    root = Path(settings.MEDIA_ROOT).resolve()
    return sorted(str(p.relative_to(root)) for p in folder.rglob("*") if p.is_file())


def read_head(key: str, length: int) -> bytes:
    if use_s3():
        response = s3_client().get_object(Bucket=bucket(), Key=key, Range=f"bytes=0-{length - 1}")
        return response["Body"].read()
    with open(local_path(key), "rb") as handle:
        return handle.read(length)


def iter_chunks(key: str) -> Iterator[bytes]:
    if use_s3():
        body = s3_client().get_object(Bucket=bucket(), Key=key)["Body"]
        yield from body.iter_chunks(CHUNK)
        return
    with open(local_path(key), "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def read_all(key: str) -> bytes:
    return b"".join(iter_chunks(key))


def sha256_of(chunks: Iterator[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def put(*, key: str, data: bytes, content_type: str) -> None:
    if use_s3():
        s3_client().put_object(Bucket=bucket(), Key=key, Body=data, ContentType=content_type)
        return
    path = local_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def move(*, source: str, target: str, content_type: str) -> None:
    """Move out of quarantine, with the type decided from the bytes as the stored type."""
    if use_s3():
        client = s3_client()
        size = client.head_object(Bucket=bucket(), Key=source)["ContentLength"]
        if size <= COPY_OBJECT_MAX:
            # One server-side request; no bytes pass through here.
            client.copy_object(
                Bucket=bucket(),
                Key=target,
                CopySource={"Bucket": bucket(), "Key": source},
                ContentType=content_type,
                MetadataDirective="REPLACE",
            )
        else:
            client.copy(
                {"Bucket": bucket(), "Key": source},
                bucket(),
                target,
                ExtraArgs={"ContentType": content_type, "MetadataDirective": "REPLACE"},
            )
        client.delete_object(Bucket=bucket(), Key=source)
        return
    destination = local_path(target)
    destination.parent.mkdir(parents=True, exist_ok=True)
    local_path(source).replace(destination)


def delete(key: str) -> None:
    if not key:
        return
    if use_s3():
        s3_client().delete_object(Bucket=bucket(), Key=key)
        return
    path = local_path(key)
    path.unlink(missing_ok=True)


def open_url(*, key: str, filename: str, content_type: str, inline: bool, user_id: int) -> str:
    """A URL to read ``key`` that lives at most five minutes."""
    disposition = content_disposition(filename, inline=inline)
    # Anything not safe inline is also served under a type the browser will not render.
    served_type = content_type if inline else "application/octet-stream"
    if use_s3():
        return s3_client().generate_presigned_url(
            "get_object",
            Params={
                "Bucket": bucket(),
                "Key": key,
                "ResponseContentDisposition": disposition,
                "ResponseContentType": served_type,
            },
            ExpiresIn=url_seconds(),
        )
    token = signing.dumps(
        {"k": key, "d": disposition, "t": served_type, "u": user_id}, salt=LOCAL_URL_SALT
    )
    return reverse("artifacts:local_file", kwargs={"token": token})


def read_local_token(token: str) -> dict:
    return signing.loads(token, salt=LOCAL_URL_SALT, max_age=url_seconds())
