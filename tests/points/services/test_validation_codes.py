"""Validation codes: sent through the communications backend, same code within validity, single use, limited tries."""
from __future__ import annotations

from decimal import Decimal

import pytest

from apps.communications.backends import LocmemBackend
from apps.communications.models import Message
from apps.customers.models import CustomerIdentifier
from apps.points import errors
from apps.points.models import ValidationCode
from apps.points.services import (points_credit, points_redeem, validation_code_check, validation_code_consume,
                                  validation_code_issue)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def _outbox(monkeypatch, django_capture_on_commit_callbacks):
    """Deliver queued messages as soon as the issuing transaction would commit (tests never commit)."""
    LocmemBackend.outbox.clear()
    from apps.points.services import otp

    original = otp.validation_code_issue

    def issue_and_commit(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(**kwargs)

    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "validation_code_issue", issue_and_commit)
    yield
    LocmemBackend.outbox.clear()


@pytest.fixture
def reachable(org, customer):
    CustomerIdentifier.objects.create(org=org, customer=customer, type="mobile", value="919800000001")
    return customer


def sent_code() -> str:
    return LocmemBackend.outbox[-1]["body"].split("code is ")[1][:6]


def test_issue_sends_a_code_by_sms_and_never_stores_it(org, reachable, program):
    # when
    row, created = validation_code_issue(org=org, customer=reachable, program=program, points=D(10))
    # then
    assert created and LocmemBackend.outbox[-1]["recipient"] == "919800000001"
    code = sent_code()
    assert len(code) == 6 and code.isdigit()
    message = Message.objects.get(org=org, customer=reachable)
    assert message.body == "" and message.status == "SENT"
    assert code not in str(ValidationCode.objects.values().get())


def test_re_request_within_validity_sends_the_same_code(org, reachable, program, clock):
    validation_code_issue(org=org, customer=reachable, program=program)
    first = sent_code()
    row, created = validation_code_issue(org=org, customer=reachable, program=program)
    assert not created and sent_code() == first
    clock.advance(minutes=program.otp_validity_minutes + 1)
    validation_code_issue(org=org, customer=reachable, program=program)
    assert ValidationCode.objects.count() == 2


def test_code_works_once(org, reachable, program):
    validation_code_issue(org=org, customer=reachable, program=program)
    code = sent_code()
    validation_code_check(org=org, customer=reachable, code=code)
    validation_code_consume(org=org, customer=reachable, code=code)
    with pytest.raises(errors.ValidationCodeInvalid):
        validation_code_consume(org=org, customer=reachable, code=code)


def test_wrong_guesses_are_counted_and_lock_the_code(org, reachable, program):
    validation_code_issue(org=org, customer=reachable, program=program)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(program.otp_max_attempts):
        with pytest.raises(errors.ValidationCodeInvalid):
            validation_code_check(org=org, customer=reachable, code=wrong)
    with pytest.raises(errors.ValidationCodeInvalid):
        validation_code_check(org=org, customer=reachable, code=code)


def test_expired_code_is_refused(org, reachable, program, clock):
    validation_code_issue(org=org, customer=reachable, program=program)
    code = sent_code()
    clock.advance(minutes=program.otp_validity_minutes + 1)
    with pytest.raises(errors.ValidationCodeInvalid) as caught:
        validation_code_check(org=org, customer=reachable, code=code)
    assert caught.value.code == 808


def test_customer_without_contact_cannot_get_a_code(org, customer, program):
    with pytest.raises(errors.ValidationCodeIssueFailed) as caught:
        validation_code_issue(org=org, customer=customer, program=program)
    assert caught.value.code == 860


def test_redeem_with_code_uses_it_up_only_when_it_succeeds(org, reachable, program):
    points_credit(org=org, customer=reachable, points=D(50), program=program, source_type="BILL", source_ref="B1")
    validation_code_issue(org=org, customer=reachable, program=program)
    code = sent_code()
    with pytest.raises(errors.PointsMoreThanAvailable):
        points_redeem(org=org, customer=reachable, program=program, points=D(80), validation_code=code)
    redemption = points_redeem(org=org, customer=reachable, program=program, points=D(20), validation_code=code)
    assert redemption.points == D(20)
    with pytest.raises(errors.ValidationCodeInvalid):
        points_redeem(org=org, customer=reachable, program=program, points=D(5), validation_code=code)
