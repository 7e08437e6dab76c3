"""GET /v1.1/points/isredeemable and /v1.1/points/validationcode (and their /v1 aliases)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from apps.communications.models import Message
from apps.points.models import ValidationCode
from tests.factories.customers import CustomerFactory
from tests.helpers.api import v11_status
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from .conftest import credit, last_code

pytestmark = pytest.mark.django_db
D = Decimal


def redeemable(response) -> dict:
    return response.json()["response"]["points"]["redeemable"]


def test_points_can_be_redeemed(api_client, org, program, member):
    # given
    credit(org, member, program, 500)
    # when
    response = api_client.get(f"/v1.1/points/isredeemable?program_id={program.pk}&points=100&mobile=919800000001"
                              "&format=json")
    # then
    assert response.status_code == 200
    assert v11_status(response) == {"success": "true", "code": 200, "message": "Success"}
    block = redeemable(response)
    assert block["is_redeemable"] == "true"
    assert block["item_status"] == {"success": "true", "code": 800, "message": "Points can be redeemed"}
    assert (block["mobile"], block["email"], block["external_id"]) == ("919800000001", "asha@example.in", "EXT-ASHA")
    assert D(str(block["points"])) == D(100)
    assert D(str(block["points_redeem_value"])) == D(50)
    assert (block["input_type"], block["points_currency_ratio"]) == ("points", "0.5")


def test_v1_alias(api_client, org, program, member):
    credit(org, member, program, 500)
    response = api_client.get("/v1/points/isredeemable?points=100&external_id=EXT-ASHA")
    assert response.status_code == 200 and redeemable(response)["item_status"]["code"] == 800


def test_issue_otp_sends_the_code_when_redeemable(api_client, org, program, member, outbox, send_now):
    credit(org, member, program, 500)
    response = send_now(lambda: api_client.get("/v1.1/points/isredeemable?points=100&mobile=919800000001&issue_otp=true"))
    assert redeemable(response)["item_status"]["code"] == 800
    assert outbox[-1]["recipient"] == "919800000001" and len(last_code(outbox)) == 6
    assert ValidationCode.objects.filter(customer=member, purpose="REDEMPTION").count() == 1


def test_issue_otp_without_a_contact_warns_876(api_client, org, program):
    customer = CustomerFactory(org=org, mobile="", external_id="NO-CONTACT")
    credit(org, customer, program, 500)
    response = api_client.get("/v1.1/points/isredeemable?points=100&external_id=NO-CONTACT&issue_otp=true")
    assert response.status_code == 200
    block = redeemable(response)
    assert block["is_redeemable"] == "true" and block["item_status"]["code"] == 876
    assert not Message.objects.exists()


def test_currency_input_asks_for_the_points_covering_an_amount(api_client, org, program, member):
    credit(org, member, program, 500)
    response = api_client.get("/v1.1/points/isredeemable?points=25&mobile=919800000001&currency_input=true")
    block = redeemable(response)
    assert (block["input_type"], D(str(block["points"])), D(str(block["points_redeem_value"]))) == ("currency", D(50), D(25))


def test_validation_code_parameter_is_checked(api_client, org, program, member, outbox, send_now):
    credit(org, member, program, 500)
    send_now(lambda: api_client.get("/v1.1/points/validationcode?mobile=919800000001"))
    good = api_client.get(f"/v1.1/points/isredeemable?points=10&mobile=919800000001&validation_code={last_code(outbox)}")
    wrong = api_client.get("/v1.1/points/isredeemable?points=10&mobile=919800000001&validation_code=000000")
    assert redeemable(good)["item_status"]["code"] == 800
    assert wrong.status_code == 400 and redeemable(wrong)["item_status"]["code"] == 808
    assert ValidationCode.objects.get().used_at is None  # checking does not use the code up


@pytest.mark.parametrize("query, http, code", [
    ("points=600&mobile=919800000001", 422, 803),
    ("points=-5&mobile=919800000001", 400, 801),
    ("points=ten&mobile=919800000001", 400, 801),
    ("mobile=919800000001", 400, 801),
    ("points=1.5&mobile=919800000001", 400, 878),
    ("points=10&mobile=919899999999", 404, 816),
])
def test_not_redeemable_answers_the_item_code(api_client, org, program, member, query, http, code):
    credit(org, member, program, 500)
    before = db_snapshot()
    response = api_client.get(f"/v1.1/points/isredeemable?{query}")
    assert response.status_code == http
    assert v11_status(response)["success"] == "false"
    block = redeemable(response)
    assert (block["is_redeemable"], block["item_status"]["code"]) == ("false", code)
    assert_nothing_written(before)


@pytest.mark.parametrize("setting, code", [({"redeem_multiple": D(30)}, 807), ({"max_redeem_per_bill": D(50)}, 819),
                                           ({"min_redeem_points": D(200)}, 821)])
def test_programme_rules(api_client, org, program, member, setting, code):
    for name, value in setting.items():
        setattr(program, name, value)
    program.save()
    credit(org, member, program, 500)
    response = api_client.get("/v1.1/points/isredeemable?points=100&mobile=919800000001")
    assert response.status_code == 422 and redeemable(response)["item_status"]["code"] == code


def test_unknown_programme_is_885(api_client, program, member):
    response = api_client.get("/v1.1/points/isredeemable?points=10&mobile=919800000001&program_id=abc")
    assert response.status_code == 404 and v11_status(response)["code"] == 885


# -- validation code ---------------------------------------------------------------------------------------------
def test_validation_code_is_issued_by_sms(api_client, org, program, member, outbox, send_now):
    response = send_now(lambda: api_client.get("/v1.1/points/validationcode?external_id=EXT-ASHA&points=100&format=json"))
    assert response.status_code == 200
    body = response.json()["response"]
    assert body["status"] == {"success": "true", "code": 200, "message": "Operation Successful"}
    code = body["validation_code"]["code"]
    assert (code["user_id"], code["mobile"], code["external_id"], D(str(code["points"]))) == (
        str(member.pk), "919800000001", "EXT-ASHA", D(100))
    assert code["item_status"] == {"success": "true", "code": 200, "message": "Validation Code Issued by SMS"}
    assert outbox[-1]["recipient"] == "919800000001"


def test_same_code_is_sent_again_within_validity(api_client, org, program, member, outbox, send_now):
    send_now(lambda: api_client.get("/v1.1/points/validationcode?mobile=919800000001"))
    first = last_code(outbox)
    send_now(lambda: api_client.get("/v1.1/points/validationcode?mobile=919800000001"))
    assert last_code(outbox) == first and ValidationCode.objects.count() == 1


@pytest.mark.parametrize("query, http, code", [("mobile=919899999999", 404, 816), ("mobile=919800000001&points=-100", 400, 801),
                                               ("mobile=919800000001&points=1.25", 400, 878)])
def test_validation_code_refusals(api_client, org, program, member, query, http, code):
    before = db_snapshot()
    response = api_client.get(f"/v1.1/points/validationcode?{query}")
    assert response.status_code == http
    assert response.json()["response"]["validation_code"]["code"]["item_status"]["code"] == code
    assert_nothing_written(before)


def test_validation_code_needs_a_contact(api_client, org, program):
    CustomerFactory(org=org, mobile="", external_id="NO-CONTACT")
    response = api_client.get("/v1.1/points/validationcode?external_id=NO-CONTACT")
    assert response.status_code == 422
    assert response.json()["response"]["validation_code"]["code"]["item_status"]["code"] == 860
    assert not ValidationCode.objects.exists()
