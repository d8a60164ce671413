"""Model pieces shared by the apps, and the e-mail outbox."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatusChange(models.Model):
    """One recorded status change: who made it, when and why. Never edited.

    A subclass adds the foreign key to the record whose status changed and the `from_status` /
    `to_status` fields with that record's choices.
    """

    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.get_from_status_display() or '–'} → {self.get_to_status_display()}"


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed, not retried")
    DROPPED = "dropped", _("dropped: its record is gone")


class QueuedMail(models.Model):
    """One e-mail the programme owes someone, written in the transaction of the change it is about.

    It names a registered mail function and the ids it is called with (never an address or any
    text): the mail is rendered when it is sent, from the rows as they are then. A sender
    (`manage.py send_queued_mail`) sends what is due, retries a failing provider with growing
    pauses, and records the outcome here.
    """

    mail = models.CharField(_("e-mail"), max_length=120)
    args = models.JSONField(_("record ids"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("queued e-mail")
        verbose_name_plural = _("queued e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sender's one question: what is due now, oldest first.
            models.Index(
                fields=["next_attempt_at", "id"],
                name="queuedmail_due_idx",
                condition=models.Q(status="queued"),
            ),
            models.Index(fields=["status", "-created_at"], name="queuedmail_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in MailStatus]),
                name="queuedmail_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False)
                | (~models.Q(status="sent") & models.Q(sent_at__isnull=True)),
                name="queuedmail_sent_at_iff_sent",
            ),
        ]

    def __str__(self):
        return f"{self.mail} {self.args} ({self.get_status_display()})"


class SiteLanguage(models.TextChoices):
    FI = "fi", _("Finnish")
    SV = "sv", _("Swedish")
    EN = "en", _("English")


class SiteContent(models.Model):
    """What the public pages say about support families and support meetings in one language, and
    whom to ask.

    One row per language, edited by coordinators. A text left empty shows the programme's default
    text (kalliola/site_content.py), so no page is ever without it. The contact is the
    coordinator's work contact, public on every page's footer: never a family's data.
    """

    language = models.CharField(
        _("language"), max_length=2, choices=SiteLanguage.choices, unique=True
    )
    coordinator_name = models.CharField(_("coordinator's name"), max_length=120)
    coordinator_title = models.CharField(
        _("coordinator's title"),
        max_length=120,
        blank=True,
        help_text=_("Empty: Support family coordinator."),
    )
    coordinator_phone = models.CharField(_("coordinator's phone"), max_length=40)
    coordinator_email = models.EmailField(_("coordinator's e-mail"), max_length=254)
    children = models.TextField(
        _("which children need a support family"),
        max_length=3000,
        blank=True,
        help_text=_("Paragraphs separated by an empty line. Empty: the default text."),
    )
    expectations = models.TextField(
        _("what we expect of a support family"),
        max_length=3000,
        blank=True,
        help_text=_("One point per line. Empty: the default text."),
    )
    offer = models.TextField(
        _("what we offer a support family"),
        max_length=3000,
        blank=True,
        help_text=_("One point per line. Empty: the default text."),
    )
    # The support-meetings page: who runs the meetings, for whom, what stays private, whom to call.
    meetings_who = models.TextField(
        _("who runs the support meetings"),
        max_length=3000,
        blank=True,
        help_text=_("One point per line. Empty: the default text."),
    )
    meetings_for_whom = models.TextField(
        _("for whom the support meetings are meant"),
        max_length=3000,
        blank=True,
        help_text=_("One point per line. Empty: the default text."),
    )
    meetings_privacy = models.TextField(
        _("what stays private in the support meetings"),
        max_length=3000,
        blank=True,
        help_text=_("One point per line. Empty: the default text."),
    )
    meetings_phone = models.CharField(
        _("phone of the support meetings"),
        max_length=40,
        blank=True,
        help_text=_("A work phone that a person answers. Empty: the coordinator's phone."),
    )
    meetings_phone_hours = models.CharField(
        _("when the support meetings' phone is answered"),
        max_length=200,
        blank=True,
        help_text=_("For example: Monday to Friday 9–15. Empty: the default text."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("public page texts and contact")
        verbose_name_plural = _("public page texts and contacts")
        ordering = ["language"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(language__in=["fi", "sv", "en"]),
                name="sitecontent_language_valid",
            ),
        ]

    def __str__(self):
        return _("Public pages in %(language)s") % {"language": self.get_language_display()}


class FaqItem(models.Model):
    """One question and answer on the support-family page, in its content's language."""

    content = models.ForeignKey(
        SiteContent, verbose_name=_("page texts"), on_delete=models.CASCADE, related_name="faq"
    )
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), max_length=3000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")
        ordering = ["content", "position", "pk"]

    def __str__(self):
        return self.question


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("new")
    ANSWERED = "answered", _("answered")


ANSWER_WITHIN_DAYS = 14


class AccessibilityFeedback(models.Model):
    """Feedback on the site's accessibility sent from the accessibility statement's form.

    The law (306/2019) gives the organisation 14 days to answer; `answer_by` is that day. The
    sender's name and address are personal data: audited, never cached, anonymised by retention.
    """

    received_at = models.DateTimeField(_("received"), default=timezone.now)
    answer_by = models.DateField(_("answer by"))
    message = models.TextField(_("message"), max_length=5000)
    page_address = models.CharField(_("page concerned"), max_length=500, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=SiteLanguage.choices, default="fi"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["status", "answer_by"], name="a11yfeedback_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["new", "answered"]),
                name="a11yfeedback_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="answered", answered_at__isnull=False)
                | (models.Q(status="new") & models.Q(answered_at__isnull=True)),
                name="a11yfeedback_answered_at_iff_answered",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.received_at)
        return _("Accessibility feedback %(date)s") % {"date": local.strftime("%d.%m.%Y %H:%M")}
