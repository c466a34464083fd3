"""What a report announces to the apps above it (search, insights), which listen; reports
import none of them. Its moves are announced by ``ruam.core.timeline.transitioned``."""

from django.dispatch import Signal

# Sent by the background worker when a new report's after-intake work runs: ``report``.
report_received = Signal()
