from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: resident, committee member, official or administrator.

    What a person may do comes from their memberships in bodies (``ruam.bodies``), not from
    fields here. Contact details are personal data (PDPA): never shown on public pages.
    """

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_demo = models.BooleanField(
        _("demo account"), default=False, help_text=_("Invented person created by load-demo.")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username
