"""Referral services: the referral code, registrations with a code, and invited_on parsing."""
from datetime import datetime, timedelta, timezone

import pytest

from apps.referrals import errors, services
from apps.referrals.choices import ReferralStatus
from apps.referrals.models import Referee, Referral
from apps.referrals.selectors import referral_code_referrer
from tests.factories.customers import CustomerFactory
from tests.factories.referrals import ReferralFactory

pytestmark = pytest.mark.django_db

IST = timezone(timedelta(hours=5, minutes=30))


@pytest.fixture
def referrer(org):
    customer = CustomerFactory(org=org)
    services.referral_code_ensure(org=org, customer=customer)
    return customer


def test_referral_code_is_issued_once(org):
    # given
    customer = CustomerFactory(org=org)
    # when
    first = services.referral_code_ensure(org=org, customer=customer)
    second = services.referral_code_ensure(org=org, customer=CustomerFactory._meta.model.objects.get(pk=customer.pk))
    # then
    assert first == second and len(first) == services.CODE_LENGTH
    assert set(first) <= set(services.CODE_ALPHABET)
    assert referral_code_referrer(org=org, code=first) == customer


def test_referral_code_draws_again_on_collision(org, monkeypatch):
    # given
    taken = CustomerFactory(org=org)
    services.referral_code_ensure(org=org, customer=taken)
    draws = iter(taken.referral_code + "zzzzzzzzz")
    monkeypatch.setattr(services.secrets, "choice", lambda alphabet: next(draws))
    customer = CustomerFactory(org=org)
    # when
    code = services.referral_code_ensure(org=org, customer=customer)
    # then
    assert code == "zzzzzzzzz"


def test_referral_code_of_another_org_is_invalid(org, other_org, referrer):
    with pytest.raises(errors.ReferralCodeInvalid):
        referral_code_referrer(org=other_org, code=referrer.referral_code)


def test_registration_marks_the_invitation_and_records_the_referee(org, till, referrer):
    # given
    invite = ReferralFactory(org=org, referrer=referrer, channel="EMAIL", identifier="asha@example.com")
    other_invite = ReferralFactory(org=org, identifier="asha@example.com")  # another referrer's invitation
    newcomer = CustomerFactory(org=org, email="asha@example.com")
    # when
    row = services.referral_registration_record(org=org, referee=newcomer, code=referrer.referral_code, till=till)
    again = services.referral_registration_record(org=org, referee=newcomer, code=referrer.referral_code)
    # then
    assert again.pk == row.pk and Referee.objects.count() == 1
    assert (row.referrer, row.referee, row.referral, row.code, row.till) == (
        referrer, newcomer, invite, referrer.referral_code, till)
    invite.refresh_from_db()
    other_invite.refresh_from_db()
    assert (invite.status, invite.referee, invite.registered_at is not None) == (
        ReferralStatus.REGISTERED, newcomer, True)
    assert other_invite.status == ReferralStatus.INVITED


def test_registration_without_invitation_still_counts(org, referrer):
    # given
    newcomer = CustomerFactory(org=org)
    # when
    row = services.referral_registration_record(org=org, referee=newcomer, code=f"  {referrer.referral_code} ")
    # then
    assert row.referral is None and row.referrer == referrer


@pytest.mark.parametrize("code, error", [("nosuchcode", errors.ReferralCodeInvalid), ("", errors.ReferralCodeMissing)])
def test_registration_with_a_bad_code_is_refused(org, code, error):
    with pytest.raises(error):
        services.referral_registration_record(org=org, referee=CustomerFactory(org=org), code=code)
    assert not Referee.objects.exists()


def test_self_referral_at_registration_is_refused(org, referrer):
    with pytest.raises(errors.SelfReferral):
        services.referral_registration_record(org=org, referee=referrer, code=referrer.referral_code)


def test_invite_refuses_empty_list(org, referrer):
    with pytest.raises(errors.ReferralsMissing):
        services.referrals_invite(org=org, referrer=referrer, invitees=[])
    assert not Referral.objects.exists()


@pytest.mark.parametrize("raw, expected", [
    ("2021-12-16 13:15:45", datetime(2021, 12, 16, 13, 15, 45, tzinfo=IST)),
    ("2016-09-12T15:19:21+05:30", datetime(2016, 9, 12, 15, 19, 21, tzinfo=IST)),
    ("20160912T15:19:21+05:30", datetime(2016, 9, 12, 15, 19, 21, tzinfo=IST)),
    ("2016-09-12 T15:19:21+05:30", datetime(2016, 9, 12, 15, 19, 21, tzinfo=IST)),
    ("20240910T16:35:52.pV7BF", datetime(2024, 9, 10, 16, 35, 52, tzinfo=IST)),
    ("2020-01-29 12:25:46.0", datetime(2020, 1, 29, 12, 25, 46, tzinfo=IST)),
    ("2020-01-29T06:55:46Z", datetime(2020, 1, 29, 12, 25, 46, tzinfo=IST)),
])
def test_invited_on_spellings(org, raw, expected):
    assert services.invited_on_parse(raw, org=org) == expected


@pytest.mark.parametrize("raw", ["yesterday", "2021-13-01 10:00:00", "12/16/2021"])
def test_invited_on_garbage_is_refused(org, raw):
    with pytest.raises(errors.InvitedOnInvalid):
        services.invited_on_parse(raw, org=org)
