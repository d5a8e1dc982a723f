"""Signals of the directory, for the apps above it.

``pupil_status_changed`` is sent when a pupil is marked « sorti » or active again by hand
(carnet.directory.outside), with ``pupil`` and ``active``: the accounts app disables or
enables the pupil's account (carnet/accounts/signals.py). The imports call the accounts
services themselves, in bulk.
"""

from django.dispatch import Signal

pupil_status_changed = Signal()
