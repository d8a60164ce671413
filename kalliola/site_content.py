"""What the public pages say about support families and support meetings, and whom to call, per
language.

Coordinators edit the texts in the admin (`SiteContent`, one row per language, with its
questions and answers); a text left empty, or a language without a row, shows the default text
below, so no page is ever without it. Every public page's footer shows the contact, so the
content is read from the cache (two round trips, no query) and every cached public page follows
its rows (kalliola/pagecache.py): an edit shows on the next request.

The content holds no family's data, only the coordinator's public work contact.
"""

from dataclasses import dataclass, field

from django.apps import apps as global_apps
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalliola.models import FaqItem, SiteContent, SiteLanguage
from kalliola.versioned_cache import VersionedCache

# Until a coordinator enters their own: fictional, and example.org never delivers.
DEFAULT_CONTACT = {
    "coordinator_name": "Kaisa Esimerkki",
    "coordinator_phone": "+358 40 000 0000",
    "coordinator_email": "tukiperheet@example.org",
}

# The programme's own words (the seeds), in plain language; translated like every other string.
DEFAULT_CHILDREN = gettext_lazy(
    "The children need support from preventive family services or child welfare. The reason "
    "can be, for example, the parent's health or strength, or that the family has no relatives "
    "or friends to help.\n\n"
    "Different children need different support families. We choose the family with the child "
    "and the child's family, and we listen to the wishes of everyone."
)
DEFAULT_EXPECTATIONS = gettext_lazy(
    "A stable life situation.\n"
    "Time and energy to take care of the child as agreed.\n"
    "A safe home with a warm atmosphere.\n"
    "A commitment of at least one year at a time."
)
DEFAULT_OFFER = gettext_lazy(
    "A pre-training, mostly online in the evenings, and a visit to your home.\n"
    "A named support worker, a social-work professional at Kalliola.\n"
    "A peer meeting with other support families and recreation every year.\n"
    "A fee and a reimbursement of the costs of the child's stays."
)
# The support meetings in the seed's words (tukitapaamiset.txt): for whom they were made, who
# runs them, what stays between the parent and the worker.
DEFAULT_MEETINGS_WHO = gettext_lazy(
    "The meetings are run by a support worker of Kalliola.\n"
    "The support worker is a professional of social work."
)
DEFAULT_MEETINGS_FOR_WHOM = gettext_lazy(
    "The meetings were made for families where a parent needs support in learning and "
    "understanding.\n"
    "The reason can be, for example, an intellectual disability or wide learning difficulties.\n"
    "You can ask for the meetings when you need help but do not know where to get it."
)
DEFAULT_MEETINGS_PRIVACY = gettext_lazy(
    "What you tell us stays between you and the support worker.\n"
    "We tell others only if you agree.\n"
    "The law has one exception: if a child is in danger, the worker must tell child welfare."
)
DEFAULT_MEETINGS_PHONE_HOURS = gettext_lazy("Monday to Friday, 9 to 15")
DEFAULT_FAQ = (
    (
        gettext_lazy("Do I need to be a professional?"),
        gettext_lazy("No. We train you, and a support worker stands by you."),
    ),
    (
        gettext_lazy("Can one adult be a support family?"),
        gettext_lazy("Yes. A support family is a family or one adult."),
    ),
    (
        gettext_lazy("How often does the child visit?"),
        gettext_lazy("Usually one weekend a month. We agree on the times together."),
    ),
    (
        gettext_lazy("Is the work paid?"),
        gettext_lazy(
            "It is volunteer work. We pay a fee and a reimbursement of the costs of each stay."
        ),
    ),
    (
        gettext_lazy("How do I start?"),
        gettext_lazy("Join an online info session, or send the application."),
    ),
)


@dataclass(frozen=True)
class Question:
    question: str
    answer: str


@dataclass(frozen=True)
class PublicContent:
    """The content as the pages show it: every text filled in, lists split into points."""

    coordinator_name: str
    coordinator_title: str
    coordinator_phone: str
    coordinator_email: str
    children: list[str] = field(default_factory=list)
    expectations: list[str] = field(default_factory=list)
    offer: list[str] = field(default_factory=list)
    faq: list[Question] = field(default_factory=list)
    meetings_who: list[str] = field(default_factory=list)
    meetings_for_whom: list[str] = field(default_factory=list)
    meetings_privacy: list[str] = field(default_factory=list)
    meetings_phone: str = ""
    meetings_phone_hours: str = ""

    @property
    def phone_link(self) -> str:
        """The phone number for a tel: link (digits and a leading plus only)."""
        return _tel(self.coordinator_phone)

    @property
    def meetings_phone_link(self) -> str:
        return _tel(self.meetings_phone)


def _tel(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit() or c == "+")


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _points(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


def build_content(language: str) -> PublicContent:
    """The content in `language` from its row (two queries), defaults where it says nothing."""
    row = SiteContent.objects.filter(language=language).first()
    faq = list(row.faq.all()) if row is not None else []
    with translation.override(language):
        return PublicContent(
            coordinator_name=(row and row.coordinator_name) or DEFAULT_CONTACT["coordinator_name"],
            coordinator_title=(row and row.coordinator_title) or _("Support family coordinator"),
            coordinator_phone=(row and row.coordinator_phone)
            or DEFAULT_CONTACT["coordinator_phone"],
            coordinator_email=(row and row.coordinator_email)
            or DEFAULT_CONTACT["coordinator_email"],
            children=_paragraphs((row and row.children) or str(DEFAULT_CHILDREN)),
            expectations=_points((row and row.expectations) or str(DEFAULT_EXPECTATIONS)),
            offer=_points((row and row.offer) or str(DEFAULT_OFFER)),
            faq=[Question(f.question, f.answer) for f in faq]
            or [Question(str(q), str(a)) for q, a in DEFAULT_FAQ],
            meetings_who=_points((row and row.meetings_who) or str(DEFAULT_MEETINGS_WHO)),
            meetings_for_whom=_points(
                (row and row.meetings_for_whom) or str(DEFAULT_MEETINGS_FOR_WHOM)
            ),
            meetings_privacy=_points(
                (row and row.meetings_privacy) or str(DEFAULT_MEETINGS_PRIVACY)
            ),
            meetings_phone=(row and (row.meetings_phone or row.coordinator_phone))
            or DEFAULT_CONTACT["coordinator_phone"],
            meetings_phone_hours=(row and row.meetings_phone_hours)
            or str(DEFAULT_MEETINGS_PHONE_HOURS),
        )


SEEDED_LANGUAGES = ("fi", "sv", "en")


def seed_site_content(site_content_model, faq_model, using: str = "default") -> None:
    """A row with the default texts and contact for each language that has none.

    Run by the data migration (with its historical models) and after every migrate and every
    flush (`seed_after_migrate`), so a database emptied by a test run or by hand gets the rows
    coordinators edit back; a language's existing row is never touched.
    """
    for language in SEEDED_LANGUAGES:
        if site_content_model.objects.using(using).filter(language=language).exists():
            continue
        with translation.override(language):
            content = site_content_model.objects.using(using).create(
                language=language,
                children=str(DEFAULT_CHILDREN),
                expectations=str(DEFAULT_EXPECTATIONS),
                offer=str(DEFAULT_OFFER),
                **DEFAULT_CONTACT,
            )
            faq_model.objects.using(using).bulk_create(
                faq_model(content=content, question=str(q), answer=str(a), position=n)
                for n, (q, a) in enumerate(DEFAULT_FAQ, start=1)
            )


def seed_after_migrate(sender, *, using, apps=global_apps, **kwargs) -> None:
    """post_migrate (which `flush` sends too, without `apps`): seed with the models as migrated
    so far; nothing while the tables are not there yet (a plan that stops before them)."""
    try:
        site_content_model = apps.get_model("kalliola", "SiteContent")
        faq_model = apps.get_model("kalliola", "FaqItem")
    except LookupError:
        return
    seed_site_content(site_content_model, faq_model, using)


CONTENT = VersionedCache("kalliola:site-content", timeout=3600)
SITE_CONTENT_MODELS = (SiteContent, FaqItem)
CONTENT.follow(*SITE_CONTENT_MODELS)


def public_content(language: str | None = None) -> PublicContent:
    """The content in `language` (the current one by default), from the cache."""
    language = (language or translation.get_language() or "fi")[:2]
    if language not in SiteLanguage.values:
        language = "fi"
    # "v2": the support meetings' texts joined the content; a copy cached before them is not read.
    return CONTENT.get_or_build(f"content-v2:{language}", lambda: build_content(language))
