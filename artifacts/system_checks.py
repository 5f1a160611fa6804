"""System checks of the evidence app: how the deployment treats evidence files."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

SCANNER_HINT = (
    "Set CLAMD_HOST (and CLAMD_PORT) to a clamd the workers reach, or ARTIFACT_SCAN_DISABLED=1 "
    "to say that this deployment has no virus scanner on purpose."
)


def _unscanned() -> bool:
    return not settings.CLAMD_HOST and not settings.ARTIFACT_SCAN_DISABLED


@register(Tags.security)
def artifact_scanner_check(app_configs, **kwargs) -> list:
    """Uploaded evidence would be accepted without a virus scan, and nobody said so."""
    if not _unscanned():
        return []
    return [
        Warning(
            "Evidence files are accepted without a virus scan: CLAMD_HOST is not set.",
            hint=SCANNER_HINT,
            id="artifacts.W001",
        )
    ]


@register(Tags.security, deploy=True)
def artifact_scanner_deploy_check(app_configs, **kwargs) -> list:
    """``check --deploy`` fails on it: a deployment decides, it does not drift into it."""
    if not _unscanned():
        return []
    return [
        Error(
            "A deployment would accept evidence files without a virus scan: CLAMD_HOST is not "
            "set and ARTIFACT_SCAN_DISABLED is not either.",
            hint=SCANNER_HINT,
            id="artifacts.E001",
        )
    ]
