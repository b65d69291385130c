"""One message to one address, sent in the background and retried until it goes or we give up."""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massline.lib.personal import EncryptedTextField, mask_email, mask_phone


class Notification(models.Model):
    """An email or SMS about a case (``reference`` "case:12"), to a person or a staff member.

    The address and the text are encrypted at rest: both may be personal, and a callback
    link in the text is the person's key to rate the reply.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed: given up")

    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    recipient = EncryptedTextField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=200)
    body = EncryptedTextField(_("text"))
    status = models.CharField(
        _("status"), max_length=7, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    reference = models.CharField(_("about"), max_length=40, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.masked_recipient}: {self.subject}"

    @property
    def masked_recipient(self) -> str:
        if self.channel == self.Channel.EMAIL:
            return mask_email(self.recipient)
        return mask_phone(self.recipient)

    @classmethod
    def queue(cls, channel: str, recipient: str, subject: str, body: str, reference: str):
        """Store the message; it is sent by a task once the current transaction commits,
        so a request never waits for a mail server and a rolled-back step sends nothing."""
        from massline.notifications.tasks import send_notification

        notification = cls.objects.create(
            channel=channel, recipient=recipient, subject=subject, body=body, reference=reference
        )
        transaction.on_commit(lambda: send_notification.enqueue(notification.pk), robust=True)
        return notification

    def attempt(self) -> timedelta | None:
        """Send it once. Returns how long to wait before the next try after a failure, or
        None when there is none to make (sent, or given up after the last retry)."""
        from massline.notifications.channels import send

        self.attempts += 1
        try:
            send(self.channel, self.recipient, self.subject, self.body)
        except Exception as error:  # any failure of a server or gateway: try again later
            self.last_error = f"{type(error).__name__}: {error}"[:2000]
            retries = settings.NOTIFY_RETRY_AFTER
            wait = None
            if self.attempts > len(retries):
                self.status, self.next_attempt_at = self.Status.FAILED, None
            else:
                wait = timedelta(seconds=retries[self.attempts - 1])
                self.next_attempt_at = timezone.now() + wait
            self.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return wait
        self.status, self.sent_at, self.next_attempt_at = self.Status.SENT, timezone.now(), None
        self.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
        return None

    def retry(self) -> None:
        """An administrator asks for another try of a message given up on."""
        from massline.notifications.tasks import send_notification

        self.status, self.attempts, self.next_attempt_at = self.Status.PENDING, 0, None
        self.save(update_fields=["status", "attempts", "next_attempt_at"])
        transaction.on_commit(lambda: send_notification.enqueue(self.pk), robust=True)


class DeadlineCheck(models.Model):
    """One run of the periodic deadline check (see ``tasks.check_deadlines``): when it is
    due, and what it did — reminders sent before the reply is due, cases flagged overdue."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(
        _("status"), max_length=7, choices=Status.choices, default=Status.QUEUED
    )
    run_after = models.DateTimeField(_("due at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    reminded = models.PositiveIntegerField(_("cases reminded"), default=0)
    flagged = models.PositiveIntegerField(_("cases flagged overdue"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-run_after", "-id"]
        verbose_name = _("deadline check")
        verbose_name_plural = _("deadline checks")

    def __str__(self) -> str:
        return f"{self.run_after:%Y-%m-%d %H:%M} {self.get_status_display()}"
