"""Notes, preferences, tickets, interactions, status labels, fraud status, referral codes, subscriptions."""
import pytest

from apps.customers import errors
from apps.customers.choices import CustomerEventType
from apps.customers.models import CustomerEvent
from apps.customers.services import (
    customer_fraud_status_change, customer_interaction_record, customer_note_add, customer_note_update,
    customer_preferences_set, customer_referral_code_set, customer_status_change, customer_status_label_create,
    customer_subscriptions_update, customer_ticket_create,
)
from apps.organizations.services import custom_field_create
from tests.factories.customers import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(org):
    return CustomerFactory(org=org)


def test_notes_are_added_and_rewritten(org, customer):
    note = customer_note_add(org=org, customer=customer, description="Likes Maggi", note_date="2016-05-05 15:15:00")
    assert note.note_date.year == 2016
    updated = customer_note_update(org=org, customer=customer, note_id=note.pk, description="Likes jeans")
    assert updated.description == "Likes jeans"
    with pytest.raises(errors.NoteNotFound):
        customer_note_update(org=org, customer=CustomerFactory(org=org), note_id=note.pk, description="x")
    with pytest.raises(errors.NoteDescriptionMissing):
        customer_note_add(org=org, customer=customer, description="  ")


def test_preferences_use_the_preferences_custom_fields(org, customer):
    custom_field_create(org=org, name="favourite_colour", label="Favourite colour", scope="customer_preferences")
    rows, warnings = customer_preferences_set(org=org, customer=customer,
                                              values={"favourite_colour": "Blue", "shoe": "9"})
    assert [(r.name, r.value) for r in rows] == [("favourite_colour", "Blue")]
    assert [w.code for w in warnings] == [1017]
    customer_preferences_set(org=org, customer=customer, values=[{"name": "favourite_colour", "value": "Green"}])
    assert customer.preferences.get().value == "Green"


def test_tickets_refuse_a_duplicate_open_subject(org, customer):
    ticket = customer_ticket_create(org=org, customer=customer, subject="points issue", message="Unable to redeem",
                                    priority="high", reported_from="callcenter")
    assert (ticket.priority, ticket.reported_from, len(ticket.code)) == ("HIGH", "CALLCENTER", 10)
    with pytest.raises(errors.TicketSubjectExists):
        customer_ticket_create(org=org, customer=customer, subject="Points Issue")
    with pytest.raises(errors.TicketSubjectMissing):
        customer_ticket_create(org=org, customer=customer, subject="")


def test_interactions_are_recorded(org, customer):
    row = customer_interaction_record(org=org, customer=customer, type="sms", subject="Points balance",
                                      sender="DEMORT", receiver="919845012345", status="SENT")
    assert (row.network, row.type, customer.interactions.count()) == ("capillary", "sms", 1)


def test_status_labels_map_to_statuses_and_the_log_keeps_history(org, customer):
    customer_status_label_create(org=org, label="VIP", status="ACTIVE", is_default=True)
    second_default = customer_status_label_create(org=org, label="Gold", status="ACTIVE", is_default=True)
    assert list(org_labels(org)) == [("Gold", True), ("VIP", False)] and second_default.is_default
    customer_status_change(org=org, customer=customer, label="fraud suspected", reason="chargebacks")
    customer.refresh_from_db()
    assert (customer.status, customer.status_label) == ("FRAUD_SUSPECTED", "Fraud suspected")
    with pytest.raises(errors.StatusLabelInvalid):
        customer_status_change(org=org, customer=customer, label="Platinum")


def org_labels(org):
    from apps.customers.models import CustomerStatusLabel

    return CustomerStatusLabel.objects.filter(org=org).order_by("label").values_list("label", "is_default")


def test_fraud_status_is_audited(org, customer, till):
    customer_fraud_status_change(org=org, customer=customer, fraud_status="confirmed", reason="card misuse", till=till)
    customer.refresh_from_db()
    assert (customer.fraud_status, customer.fraud_marked_by) == ("CONFIRMED", till.code)
    assert CustomerEvent.objects.get(customer=customer, type=CustomerEventType.FRAUD_STATUS_CHANGED).parameters == {
        "previous": "NONE", "current": "CONFIRMED", "reason": "card misuse"}
    with pytest.raises(errors.FraudStatusInvalid):
        customer_fraud_status_change(org=org, customer=customer, fraud_status="MAYBE")


def test_referral_codes_are_unique_per_org(org, other_org, customer):
    customer_referral_code_set(org=org, customer=customer, code="ASHA10")
    with pytest.raises(errors.ReferralCodeTaken):
        customer_referral_code_set(org=org, customer=CustomerFactory(org=org), code="ASHA10")
    customer_referral_code_set(org=other_org, customer=CustomerFactory(org=other_org), code="ASHA10")


def test_subscription_change_is_logged_once_and_v11_style_items_work(org, customer):
    items = [{"channel": "sms", "priority": "bulk", "is_subscribed": "0"}]
    customer_subscriptions_update(org=org, customer=customer, subscriptions=items, reason="STOP")
    customer_subscriptions_update(org=org, customer=customer, subscriptions=items, reason="STOP")
    assert CustomerEvent.objects.filter(customer=customer, type=CustomerEventType.SUBSCRIPTION_CHANGED).count() == 1
    assert customer.subscriptions.get(channel="SMS", priority="BULK").is_subscribed is False
    with pytest.raises(errors.SubscriptionsMissing):
        customer_subscriptions_update(org=org, customer=customer, subscriptions=[])
