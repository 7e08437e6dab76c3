"""POST /v1.1/points/redeem (and /v1): documented body, item codes, retries, nothing written on failure."""
from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from apps.points.models import LedgerEntry, PointsAccount, Redemption, ValidationCode
from tests.helpers.api import v11_status
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

from .conftest import credit, last_code

pytestmark = pytest.mark.django_db
D = Decimal
URL = "/v1.1/points/redeem?format=json"


def redeem_body(**item):
    base = {"points_redeemed": "100", "transaction_number": "1234r743", "customer": {"mobile": "919800000001"},
            "notes": "Sample notes", "redemption_time": "2016-11-21 11:30:11"}
    base.update(item)
    return {"root": {"redeem": base}}


def post(client, body, url=URL, **headers):
    return client.post(url, body, format="json", **headers)


def test_redeem_with_the_documented_body_and_a_validation_code(api_client, org, program, member, outbox, send_now):
    # given
    program.validation_code_required = True
    program.save()
    credit(org, member, program, 500)
    send_now(lambda: api_client.get("/v1.1/points/validationcode?mobile=919800000001&points=100"))
    code = last_code(outbox)
    # when
    response = post(api_client, redeem_body(validation_code=code))
    # then
    assert response.status_code == 200, response.content
    body = response.json()["response"]
    assert body["status"] == {"success": "true", "code": 200, "message": "Success"}
    points = body["responses"]["points"]
    redemption = Redemption.objects.get()
    assert points["item_status"] == {"success": "true", "code": 800, "message": "Points Redeemed"}
    assert points["redemption_id"] == redemption.code
    assert (points["user_id"], points["mobile"], points["email"], points["external_id"]) == (
        str(member.pk), "919800000001", "asha@example.in", "EXT-ASHA")
    assert points["points_redeemed"] == "100"
    assert D(str(points["redeemed_value"])) == D("50")  # point value 0.5
    assert D(str(points["balance"])) == D("400")
    effect = points["side_effects"]["effect"][0]
    assert (effect["validation_code"], effect["redeemed_on_bill_number"], effect["type"]) == (code, "1234r743", "points")
    assert redemption.bill_number == "1234r743" and redemption.notes == "Sample notes"
    local = redemption.redeemed_at.astimezone(ZoneInfo(org.timezone))  # the till's time is the org's local time
    assert local.strftime("%Y-%m-%d %H:%M:%S") == "2016-11-21 11:30:11"
    assert ValidationCode.objects.get().used_at is not None


def test_v1_path_serves_the_same_handler(api_client, org, program, member):
    credit(org, member, program, 500)
    response = post(api_client, redeem_body(), url="/v1/points/redeem")
    assert response.status_code == 200
    assert response.json()["response"]["responses"]["points"]["item_status"]["code"] == 800


def test_redeem_items_as_a_list(api_client, org, program, member, friend):
    credit(org, member, program, 500)
    credit(org, friend, program, 50, ref="B2")
    body = {"root": {"redeem": [redeem_body()["root"]["redeem"],
                                redeem_body(customer={"mobile": "919800000002"}, transaction_number="T2")["root"]["redeem"]]}}
    response = post(api_client, body)
    assert response.status_code == 200
    body = response.json()["response"]
    assert body["status"]["code"] == 201  # one of two failed
    codes = [item["item_status"]["code"] for item in body["responses"]["points"]]
    assert codes == [800, 803]
    assert Redemption.objects.count() == 1


def test_retry_with_same_code_and_transaction_number_returns_the_first(api_client, org, program, member, outbox,
                                                                        send_now):
    # given
    program.validation_code_required = True
    program.save()
    credit(org, member, program, 500)
    send_now(lambda: api_client.get("/v1.1/points/validationcode?mobile=919800000001"))
    code = last_code(outbox)
    first = post(api_client, redeem_body(validation_code=code)).json()["response"]["responses"]["points"]
    # when
    again = post(api_client, redeem_body(validation_code=code))
    # then
    assert again.status_code == 200
    points = again.json()["response"]["responses"]["points"]
    assert points["redemption_id"] == first["redemption_id"] and points["balance"] == first["balance"]
    assert Redemption.objects.count() == 1
    assert PointsAccount.objects.get(customer=member).available == D(400)


def test_retry_with_same_external_reference_returns_the_first(api_client, org, program, member):
    credit(org, member, program, 500)
    first = post(api_client, redeem_body(external_reference_number="EXT-9", transaction_number="A"))
    again = post(api_client, redeem_body(external_reference_number="EXT-9", transaction_number="B"))
    assert again.json()["response"]["responses"]["points"]["redemption_id"] == \
        first.json()["response"]["responses"]["points"]["redemption_id"]
    assert Redemption.objects.count() == 1


def test_idempotency_key_replays_the_first_response(api_client, org, program, member):
    credit(org, member, program, 500)
    first = post(api_client, redeem_body(), HTTP_IDEMPOTENCY_KEY="redeem-1")
    again = post(api_client, redeem_body(), HTTP_IDEMPOTENCY_KEY="redeem-1")
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Redemption.objects.count() == 1


@pytest.mark.parametrize("setting, item, http, code", [
    ({}, {"points_redeemed": "-5"}, 400, 801),
    ({}, {"points_redeemed": "abc"}, 400, 801),
    ({}, {"points_redeemed": "0"}, 400, 801),
    ({}, {"points_redeemed": "1.5"}, 400, 878),           # programme keeps whole points
    ({"points_decimals": 3}, {"points_redeemed": "1.2345"}, 400, 878),
    ({}, {"customer": {"mobile": "919899999999"}}, 404, 816),
    ({}, {"customer": {}}, 400, 1015),
    ({"redeem_multiple": D(30)}, {}, 422, 807),
    ({"max_redeem_per_bill": D(50)}, {}, 422, 819),
    ({"min_redeem_points": D(200)}, {}, 422, 821),
    ({}, {"points_redeemed": "600"}, 422, 803),
    ({"validation_code_required": True}, {}, 400, 824),
    ({"validation_code_required": True}, {"validation_code": "000000"}, 400, 808),
    ({}, {"redemption_time": "21/11/2016"}, 400, 859),
])
def test_bad_redemptions_answer_the_documented_code_and_write_nothing(api_client, org, program, member, setting, item,
                                                                      http, code):
    # given
    for name, value in setting.items():
        setattr(program, name, value)
    program.save()
    credit(org, member, program, 500)
    before = db_snapshot()
    # when
    response = post(api_client, redeem_body(**item))
    # then
    assert response.status_code == http, response.content
    body = response.json()["response"]
    assert body["status"] == {"success": "false", "code": 500, "message": "All requests have failed due to errors"}
    assert body["responses"]["points"]["item_status"]["code"] == code
    assert body["responses"]["points"]["side_effects"] == {"effect": []}
    assert_nothing_written(before)


def test_expired_validation_code_is_808(api_client, org, program, member, outbox, send_now, clock):
    program.validation_code_required = True
    program.save()
    credit(org, member, program, 500)
    send_now(lambda: api_client.get("/v1.1/points/validationcode?mobile=919800000001"))
    code = last_code(outbox)
    clock.advance(minutes=program.otp_validity_minutes + 1)
    response = post(api_client, redeem_body(validation_code=code))
    assert response.status_code == 400
    assert response.json()["response"]["responses"]["points"]["item_status"]["code"] == 808
    assert not Redemption.objects.exists()


def test_missed_call_validation_is_823(api_client, org, program, member):
    credit(org, member, program, 500)
    response = post(api_client, redeem_body(), url=URL + "&validation_type=MISSED_CALL")
    assert response.status_code == 400
    assert v11_status(response)["code"] == 823


@pytest.mark.parametrize("body", [{}, {"root": {}}, {"root": {"redeem": "x"}}, {"root": {"redeem": []}}])
def test_malformed_body_is_400(api_client, program, body):
    response = post(api_client, body)
    assert response.status_code == 400
    assert v11_status(response)["code"] == 400


def test_unknown_programme_is_885(api_client, org, program, member):
    response = post(api_client, redeem_body(), url=URL + "&program_id=999999")
    assert response.status_code == 404
    assert v11_status(response)["code"] == 885
    assert not LedgerEntry.objects.filter(kind="REDEEM").exists()
