"""Tasks that moved with their code to a new app keep the names they were registered under:
messages already waiting in the broker, and Celery beat's schedule, name them so."""

from artifacts.tasks import apply_artifact_retention, check_artifact
from microcreds.celery import app
from notifications.tasks import deliver_notification


def test_moved_tasks_answer_to_their_earlier_names():
    earlier = {
        "submissions.tasks.check_artifact": check_artifact,
        "submissions.tasks.apply_artifact_retention": apply_artifact_retention,
        "reviews.tasks.deliver_notification": deliver_notification,
    }
    for name, task in earlier.items():
        assert task.name == name
        assert app.tasks[name].run == task.run
