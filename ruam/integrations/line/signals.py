"""Sent when a LINE user has had their data erased from the chat ("ลบข้อมูลของฉัน"): the
privacy app, a layer above, records the erasure (``ruam.privacy``)."""

from django.dispatch import Signal

# Arguments: ``counts`` (what was erased, counted; never whose).
forgotten = Signal()
