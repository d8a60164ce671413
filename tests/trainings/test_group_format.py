"""A training group's public page describes that group: online or in person, where, how many
evenings and on which days, from its own data."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from tests.factories.trainings import TrainingGroupFactory
from trainings.models import SessionStatus, TrainingGroup, TrainingSession

pytestmark = pytest.mark.django_db


def _main(path: str) -> str:
    html = Client().get(path).content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _add_evening(group, days_ahead: int, hour: int = 17) -> TrainingSession:
    start = (timezone.localtime() + datetime.timedelta(days=days_ahead)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return TrainingSession.objects.create(
        group=group, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )


def test_an_online_group_says_online_how_many_evenings_and_which_day():
    group = TrainingGroupFactory()
    weekday = timezone.localtime(group.sessions.first().starts_at).strftime("%A")
    main = _main(f"/en/valmennus/{group.pk}/")
    assert "3 evenings online, and a home visit: 10 hours in all." in main
    assert f"The group meets on {weekday}, at 17.00–20.00." in main
    assert "Three evenings online" not in main


def test_an_in_person_group_says_where_in_every_language():
    group = TrainingGroupFactory(attendance="in_person", location="Sturenkatu 11, Helsinki")
    assert "3 evenings in person at Sturenkatu 11, Helsinki" in _main(f"/en/valmennus/{group.pk}/")
    assert "3 iltaa paikan päällä: Sturenkatu 11, Helsinki" in _main(f"/valmennus/{group.pk}/")
    assert "3 kvällar på plats: Sturenkatu 11, Helsinki" in _main(f"/sv/valmennus/{group.pk}/")
    assert "Sturenkatu 11, Helsinki" in _main("/en/valmennus/")


def test_a_cancelled_evening_is_not_counted_and_mixed_days_and_times_are_named():
    group = TrainingGroupFactory(sessions=2)
    extra = _add_evening(group, 12, hour=10)
    TrainingSession.objects.filter(pk=group.sessions.first().pk).update(
        status=SessionStatus.CANCELLED
    )
    main = _main(f"/en/valmennus/{group.pk}/")
    assert "2 evenings online" in main
    days = {
        timezone.localtime(s.starts_at).strftime("%A")
        for s in group.sessions.filter(status=SessionStatus.SCHEDULED)
    }
    assert timezone.localtime(extra.starts_at).strftime("%A") in days
    sentence = main[main.index("The group meets on") :].split(".")[0]
    assert all(day in sentence for day in days)
    assert "17.00–20.00" not in sentence  # the evenings start at different times


def test_one_evening_is_said_in_the_singular():
    group = TrainingGroupFactory(sessions=1)
    assert "One evening online, and a home visit" in _main(f"/en/valmennus/{group.pk}/")


def test_an_in_person_group_needs_a_place():
    group = TrainingGroup(name="Ryhmä", attendance="in_person", location="  ")
    with pytest.raises(ValidationError) as error:
        group.full_clean()
    assert "location" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingGroup.objects.create(name="Ryhmä", attendance="in_person", location="")


def test_the_admin_saves_an_in_person_group_with_its_place(admin_client):
    from django.urls import reverse

    group = TrainingGroupFactory()
    url = reverse("admin:trainings_traininggroup_change", args=[group.pk])
    form = admin_client.get(url).context["adminform"].form
    assert "attendance" in form.fields and "location" in form.fields
