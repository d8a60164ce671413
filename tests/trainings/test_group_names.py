"""A pre-training group's optional Swedish and English names, falling back to the Finnish one
(issue 16, point 7)."""

from tests.factories.trainings import TrainingGroupFactory


def test_public_group_pages_show_the_name_in_the_readers_language(client, db):
    named = TrainingGroupFactory(name="Kevään ryhmä", name_sv="Vårens grupp", name_en="")
    assert "Vårens grupp" in client.get(f"/sv/valmennus/{named.pk}/").content.decode()
    assert "Kevään ryhmä" in client.get(f"/en/valmennus/{named.pk}/").content.decode()
    assert "Kevään ryhmä" in client.get(f"/valmennus/{named.pk}/").content.decode()
