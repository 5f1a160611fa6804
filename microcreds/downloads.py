"""How a downloaded file is named and handed over: the one home for every export, certificate,
badge and evidence file the site sends as a file."""

from urllib.parse import quote

from django.utils.text import slugify

# A part of a name longer than this is cut: a name stays readable in a downloads folder.
PART_LENGTH = 60


def download_filename(*parts: object, extension: str) -> str:
    """A name that says what the file is, from its parts in order (what, whose, which, when):
    ``download_filename("certificate", "Classroom Routines", "Elena Martinez", extension="pdf")``
    is ``certificate-classroom-routines-elena-martinez.pdf``. Empty parts are left out."""
    words = (slugify(str(part))[:PART_LENGTH].strip("-") for part in parts)
    return "-".join(word for word in words if word) + f".{extension}"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The Content-Disposition of a file sent as ``filename``: a plain ASCII name for every
    browser and the exact name (RFC 6266 ``filename*``) for those that read it."""
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "") or "download"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
