"""A change forgets the cached pages at once and again after its commit (kalliola/versioned_cache).

The after-commit bumps of one transaction go out once per cache, in one round trip, and a
savepoint that rolls back never takes another change's bump with it.
"""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import transaction

from programme import dashboard
from tests.factories.trainings import InfoSessionFactory
from trainings.services.listings import LISTINGS

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_committed_change_is_forgotten_again_after_the_commit():
    session = InfoSessionFactory()
    with transaction.atomic():
        session.capacity = 3
        session.save()
        # Another request could cache the old rows under this version before the commit.
        seen_before_commit = LISTINGS.version()
    assert LISTINGS.version() != seen_before_commit


def test_each_change_and_the_commit_forget_every_following_cache_in_one_round_trip():
    sessions = InfoSessionFactory.create_batch(3)
    with mock.patch.object(cache, "set_many", wraps=cache.set_many) as set_many:
        with transaction.atomic():
            for session in sessions:
                session.capacity = 7
                session.save()
            # One round trip per change for the listings and the dashboard, which both follow
            # info sessions.
            assert set_many.call_count == 3
            forgotten_now = set_many.call_args.args[0]
            assert {LISTINGS.version_key, dashboard.CACHE.version_key} <= set(forgotten_now)
        # The commit: one more, for every cache the transaction changed, each once.
        assert set_many.call_count == 4
    assert set(set_many.call_args.args[0]) == set(forgotten_now)


def test_a_rolled_back_savepoint_does_not_take_a_later_changes_bump_with_it():
    first, second = InfoSessionFactory.create_batch(2)
    with transaction.atomic():
        try:
            with transaction.atomic():
                first.capacity = 1
                first.save()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        second.capacity = 2
        second.save()
        seen_before_commit = LISTINGS.version()
    assert LISTINGS.version() != seen_before_commit
