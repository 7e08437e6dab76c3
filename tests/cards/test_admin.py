"""Card screens: org scoping, series writes through the services, generation with a JobRun progress page, card
search by number, the status-log inline and the status-change page."""
import pytest
from django.contrib.auth.models import Permission

from apps.cards.choices import CardStatus
from apps.cards.models import Card, CardGenerationLog, CardSeries
from apps.core.models import JobRun
from apps.staff.choices import StaffRole
from apps.staff.services import staff_user_create
from tests.factories.cards import CardFactory, CardSeriesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, org):
    user = staff_user_create(org=org, username="boss", password="Boss-pass-123", role=StaffRole.ORG_ADMIN)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["cards", "core"]))
    client.force_login(user)
    return client


def test_series_changelist_is_org_scoped(admin_client, series, other_series):
    other_series.code = "THEIRS"
    other_series.save()
    page = admin_client.get("/admin/cards/cardseries/").content.decode()
    assert "GOLD" in page and "THEIRS" not in page
    assert f"/admin/cards/cardseries/{series.pk}/generate/" in page


def test_series_add_through_the_service(admin_client, org):
    form = {"code": "PLAT", "name": "Platinum", "type": "PHYSICAL", "prefix": "PT", "suffix": "", "length": "10",
            "offset": "1", "method": "LUHNALGO", "generation_enabled": "on", "is_active": "on", "trigger": "SERIES_ID",
            "max_active_cards_per_customer": "0",
            "generation_logs-TOTAL_FORMS": "0", "generation_logs-INITIAL_FORMS": "0"}
    response = admin_client.post("/admin/cards/cardseries/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    series = CardSeries.objects.get(code="PLAT")
    assert (series.org_id, series.next_sequence) == (org.pk, 1)


def test_series_add_refuses_an_impossible_format(admin_client, org):
    form = {"code": "BAD", "type": "DIGITAL", "prefix": "P-", "length": "10", "offset": "1", "method": "DEFAULT",
            "trigger": "SERIES_ID", "max_active_cards_per_customer": "0",
            "generation_logs-TOTAL_FORMS": "0", "generation_logs-INITIAL_FORMS": "0"}
    response = admin_client.post("/admin/cards/cardseries/add/", form)
    assert response.status_code == 200
    assert "Card prefix passed is not a standard string" in response.content.decode()
    assert not CardSeries.objects.filter(code="BAD").exists()


def test_generate_page_starts_a_job_and_shows_progress(admin_client, series, django_capture_on_commit_callbacks):
    assert admin_client.get(f"/admin/cards/cardseries/{series.pk}/generate/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/cards/cardseries/{series.pk}/generate/", {"count": "25"})
    log = CardGenerationLog.objects.get(series=series)
    assert response.status_code == 302 and response["Location"] == f"/admin/core/jobrun/{log.job_run_id}/change/"
    assert Card.objects.filter(generation=log).count() == 25
    assert JobRun.objects.get(pk=log.job_run_id).percent == 100
    page = admin_client.get(f"/admin/cards/cardseries/{series.pk}/change/").content.decode()
    assert "25 / 25" in page
    assert "<progress" in admin_client.get("/admin/cards/cardgenerationlog/").content.decode()


def test_generate_page_refuses_foreign_series_and_bad_counts(admin_client, series, other_series):
    assert admin_client.get(f"/admin/cards/cardseries/{other_series.pk}/generate/").status_code == 404
    response = admin_client.post(f"/admin/cards/cardseries/{series.pk}/generate/", {"count": "0"})
    assert response.status_code == 200 and not CardGenerationLog.objects.exists()


def test_card_search_by_number_and_status_log_inline(admin_client, series, other_series, customer):
    mine = CardFactory(series=series, status=CardStatus.ACTIVE, customer=customer)
    CardFactory(series=series)
    theirs = CardFactory(series=other_series, number=mine.number[:6] + "999999")
    page = admin_client.get("/admin/cards/card/", {"q": mine.number}).content.decode()
    assert mine.number in page and theirs.number not in page
    prefix_page = admin_client.get("/admin/cards/card/", {"q": mine.number[:6]}).content.decode()
    assert theirs.number not in prefix_page
    detail = admin_client.get(f"/admin/cards/card/{mine.pk}/change/").content.decode()
    assert "Card added" in detail  # the status log inline
    assert admin_client.get(f"/admin/cards/card/{theirs.pk}/change/").status_code in (302, 404)


def test_card_status_page(admin_client, series, customer):
    card = CardFactory(series=series, status=CardStatus.ACTIVE, customer=customer)
    assert admin_client.get(f"/admin/cards/card/{card.pk}/status/").status_code == 200
    response = admin_client.post(f"/admin/cards/card/{card.pk}/status/", {"status_label": "LOST",
                                                                          "reason": "reported"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == CardStatus.LOST
    assert card.status_logs.latest("id").reason == "reported"


def test_card_changelist_query_count(admin_client, series, customer, django_assert_max_num_queries):
    for _ in range(20):
        CardFactory(series=series, customer=customer, status=CardStatus.ACTIVE)
    with django_assert_max_num_queries(15):
        assert admin_client.get("/admin/cards/card/").status_code == 200
