"""What this app tells the apps above it, which it may not import (see the README's layout).
They connect their receivers in their ``AppConfig.ready()``."""

from django.dispatch import Signal

# Sent by ``services.district_settings_update`` inside its transaction, the district's row
# locked and saved, with ``district``, ``changes`` (``{setting: {"from", "to"}}``) and ``actor``.
# The reports app records the salary acceptances a district agrees to when it starts accepting
# awards earned elsewhere in its state.
district_settings_changed = Signal()
