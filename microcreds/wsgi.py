import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcreds.settings")
application = get_wsgi_application()

# Each worker loads its URLs, templates and prepared queries now, not at its first requests.
from microcreds.warm import warm  # noqa: E402

warm()
