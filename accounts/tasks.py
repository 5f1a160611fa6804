from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(to: list[str], subject: str, text: str, html: str | None = None) -> int:
    return services.email_send(to=to, subject=subject, text=text, html=html)
