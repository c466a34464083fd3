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


class ApiKey(models.Model):
    """A key for a program that sends reports (Open311 clients, apps, LINE bots).

    Only a hash is stored; the key is shown once, when created (``ruam apikey create NAME``).
    A key may act for a body (a district office's own app) or only as a source of reports.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    body = models.ForeignKey(
        "bodies.Body",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="api_keys",
        verbose_name=_("acts for body"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The key's owner attests that its own service asks residents for consent before sending
    # their contact details (Open311 has no consent field): they are then kept, else dropped.
    client_collects_consent = models.BooleanField(
        _("client collects consent"),
        default=False,
        help_text=_(
            "The program's owner attests that residents agree, in the program, before their "
            "contact details are sent. Without it, contact details sent without consent are "
            "dropped."
        ),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
