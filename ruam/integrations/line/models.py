"""LINE's side of Ruam: each LINE user's conversation with the district's account, the photos of
a report being told, and the webhook events received (by LINE's id, so a redelivery is known).

A LINE user id is personal data: no page, export or API shows it, and it is erased with the
person's data (``ruam.privacy``; "ลบข้อมูลของฉัน" in the chat).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    """One LINE user and where their report stands: the state, what they told so far (the
    draft), their language, whether they follow the account and agreed to be told of progress
    in LINE."""

    class State(models.TextChoices):
        IDLE = "idle", _("idle")
        LOCATION = "location", _("asked for the place")
        GROUP = "group", _("asked for the district group")
        DISTRICT = "district", _("asked for the district")
        ADDRESS = "address", _("asked for the address")
        PHOTOS = "photos", _("asked for photos and the description")
        CATEGORY = "category", _("asked to confirm the category")
        NEARBY = "nearby", _("offered a similar report nearby")
        CONSENT = "consent", _("asked for consent")

    user_id = models.CharField(_("LINE user id"), max_length=64, unique=True)
    language = models.CharField(_("language"), max_length=2, default="th")
    following = models.BooleanField(_("follows the account"), default=True)
    followed_at = models.DateTimeField(_("followed"), null=True, blank=True)
    unfollowed_at = models.DateTimeField(_("unfollowed"), null=True, blank=True)
    consent_at = models.DateTimeField(_("agreed to be told in LINE"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="idle")
    draft = models.JSONField(_("report being told"), default=dict, blank=True)
    expires_at = models.DateTimeField(_("draft expires"), null=True, blank=True)
    # The last reply token LINE gave and when: a notice may use it while it is fresh.
    reply_token = models.CharField(max_length=100, blank=True)
    reply_token_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("LINE conversation")
        verbose_name_plural = _("LINE conversations")

    def __str__(self) -> str:
        return f"LINE #{self.pk} ({self.state})"


class DraftPhoto(models.Model):
    """A photo sent during a conversation, already checked like a web upload; stored with the
    report when it is sent, deleted with the draft."""

    conversation = models.ForeignKey(Conversation, models.CASCADE, related_name="photos")
    data = models.BinaryField()
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"photo #{self.pk}"


class WebhookEvent(models.Model):
    """A webhook event, by LINE's ``webhookEventId``: received once, handled once. Its body
    (which names the user) is emptied once handled; the id stays to recognise redeliveries."""

    event_id = models.CharField(_("webhook event id"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=20)
    payload = models.JSONField(default=dict, blank=True)
    limited = models.BooleanField(_("over the rate limit"), default=False)
    received = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    processed = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("LINE webhook event")
        verbose_name_plural = _("LINE webhook events")

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"
