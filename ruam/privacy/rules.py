"""Who may see, download, correct and erase personal data: only the person it is about."""

from __future__ import annotations

import rules

from ruam.reports.rules import is_reporter

# A signed-in person's own account and everything tied to it.
rules.add_perm("privacy.manage_own_data", rules.is_authenticated)
# The contact details given with a report: its reporter, signed in or holding the private link.
rules.add_perm("privacy.manage_report_contact", is_reporter)
