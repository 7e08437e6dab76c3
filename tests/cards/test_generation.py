"""Bulk generation: the API, chunking into a JobRun-tracked job, idempotency, capacity and refusals."""
import pytest

from apps.cards import services
from apps.cards.choices import CardStatus, GenerationMethod
from apps.cards.models import Card, CardGenerationLog, CardStatusLog
from apps.cards.numbers import number_problem
from apps.cards.tasks import card_generation_batch_task
from apps.core.choices import JobStatus
from apps.core.models import JobRun
from tests.factories.cards import CardFactory, CardSeriesFactory, card_number
from tests.helpers.api import v2_error_codes
from tests.helpers.tenancy import assert_nothing_written, db_snapshot

pytestmark = pytest.mark.django_db


def test_generate_sample_request_returns_the_numbers(api_client, series, till):
    # when: the documented request
    response = api_client.post("/v2/card/generate", {"seriesId": series.pk, "count": 5, "statusLabel": "NOT_ISSUED"},
                               format="json")
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["data"]) == 5 and body["data"] == body["entity"]
    assert body["warnings"] == [] and body["errors"] == []
    cards = list(Card.objects.filter(number__in=body["data"]))
    assert len(cards) == 5
    assert all(c.status == CardStatus.NOT_ISSUED and c.customer_id is None for c in cards)
    assert all(number_problem(number=n, prefix="GD", suffix="", length=12, method=GenerationMethod.LUHN) is None
               for n in body["data"])
    # one status-log row per card, and a log of the request
    assert CardStatusLog.objects.filter(card__in=cards, status="NOT_ISSUED").count() == 5
    log = CardGenerationLog.objects.get(pk=body["generationLogId"])
    assert (log.count, log.generated, log.created_by_till_id) == (5, 5, till.pk)
    assert log.job_run.status == JobStatus.SUCCEEDED and log.job_run.done == 5


def test_sequential_numbers_continue_across_requests(api_client, series):
    first = api_client.post("/v2/card/generate", {"seriesId": series.pk, "count": 2}, format="json").json()["data"]
    second = api_client.post("/v2/card/generate", {"seriesId": series.pk, "count": 2}, format="json").json()["data"]
    assert first == [card_number(series, 1), card_number(series, 2)]
    assert second == [card_number(series, 3), card_number(series, 4)]


def test_generation_skips_numbers_already_taken(series):
    CardFactory(series=series, number=card_number(series, 2))
    log = services.card_generation_start(org=series.org, series=series, count=3)
    made = sorted(Card.objects.filter(generation=log).values_list("number", flat=True))
    assert made == sorted([card_number(series, n) for n in (1, 3, 4)])


def test_random_method(org):
    series = CardSeriesFactory(org=org, method=GenerationMethod.RANDOM_MOD7, length=10, prefix="RM")
    log = services.card_generation_start(org=org, series=series, count=30)
    made = list(Card.objects.filter(generation=log).values_list("number", flat=True))
    assert len(set(made)) == 30
    assert all(number_problem(number=n, prefix="RM", suffix="", length=10, method=GenerationMethod.RANDOM_MOD7) is None
               for n in made)


def test_large_requests_run_as_a_chunked_job(series, django_capture_on_commit_callbacks, monkeypatch):
    # given: small chunks so the job needs several
    monkeypatch.setattr(services, "GENERATION_CHUNK", 7)
    # when: a background generation (Celery runs eagerly in tests once the transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        log = services.card_generation_start(org=series.org, series=series, count=20, inline=False)
        assert Card.objects.filter(generation=log).count() == 0  # nothing before the commit
    # then
    log.refresh_from_db()
    run = JobRun.objects.get(pk=log.job_run_id)
    assert (log.generated, log.finished_at is not None) == (20, True)
    assert (run.status, run.total, run.done, run.failed) == (JobStatus.SUCCEEDED, 20, 20, 0)
    assert Card.objects.filter(generation=log).count() == 20
    assert len([line for line in run.log if "numbers generated" in line["message"]]) == 3  # 7 + 7 + 6


def test_a_duplicate_chunk_delivery_writes_nothing(series):
    log = services.card_generation_start(org=series.org, series=series, count=10, inline=False)
    assert services.card_generation_batch(org_id=series.org_id, log_id=log.pk, cursor=0, limit=4) == 4
    before = db_snapshot()
    # the same chunk delivered again (cursor 0) stops at once
    assert services.card_generation_batch(org_id=series.org_id, log_id=log.pk, cursor=0, limit=4) is None
    assert_nothing_written(before)
    # the chain goes on from the recorded cursor and never exceeds the count
    card_generation_batch_task.apply(kwargs={"org_id": series.org_id, "log_id": log.pk, "cursor": 4})
    card_generation_batch_task.apply(kwargs={"org_id": series.org_id, "log_id": log.pk, "cursor": 4})
    log.refresh_from_db()
    assert log.generated == 10 == Card.objects.filter(generation=log).count()


def test_a_task_for_another_org_does_nothing(series, other_org):
    log = services.card_generation_start(org=series.org, series=series, count=3, inline=False)
    before = db_snapshot()
    assert services.card_generation_batch(org_id=other_org.pk, log_id=log.pk, cursor=0) is None
    assert_nothing_written(before)


def test_idempotency_key_replays_without_generating_again(api_client, series):
    body = {"seriesId": series.pk, "count": 3}
    first = api_client.post("/v2/card/generate", body, format="json", HTTP_IDEMPOTENCY_KEY="gen-1")
    again = api_client.post("/v2/card/generate", body, format="json", HTTP_IDEMPOTENCY_KEY="gen-1")
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["data"] == first.json()["data"]
    assert Card.objects.count() == 3 and CardGenerationLog.objects.count() == 1


def test_series_capacity_is_702(api_client, org):
    series = CardSeriesFactory(org=org, prefix="CAP", length=5, method=GenerationMethod.DEFAULT)  # 100 numbers
    before = db_snapshot()
    response = api_client.post("/v2/card/generate", {"seriesId": series.pk, "count": 101}, format="json")
    assert response.status_code == 422 and v2_error_codes(response) == [702]
    assert_nothing_written(before)


@pytest.mark.parametrize("body,code", [
    ({"count": 5}, 3000),
    ({"seriesId": 999999, "count": 5}, 3000),
    ({"seriesId": "{series}"}, 3025),
    ({"seriesId": "{series}", "count": 0}, 3025),
    ({"seriesId": "{series}", "count": "five"}, 3025),
    ({"seriesId": "{series}", "count": 2.5}, 3025),
    ({"seriesId": "{series}", "count": 100001}, 3026),
    ({"seriesId": "{series}", "count": 5, "statusLabel": "ACTIVE"}, 3018),
    ({"seriesId": "{series}", "count": 5, "statusLabel": "WHATEVER"}, 3017),
])
def test_bad_generation_requests(api_client, series, body, code):
    body = {k: (series.pk if v == "{series}" else v) for k, v in body.items()}
    before = db_snapshot()
    response = api_client.post("/v2/card/generate", body, format="json")
    assert response.status_code in (400, 404, 422)
    assert v2_error_codes(response) == [code]
    assert_nothing_written(before)


def test_disabled_or_formatless_series(api_client, org):
    disabled = CardSeriesFactory(org=org, generation_enabled=False)
    external = CardSeriesFactory(org=org, length=0, prefix="")
    assert v2_error_codes(api_client.post("/v2/card/generate", {"seriesId": disabled.pk, "count": 1},
                                          format="json")) == [703]
    assert v2_error_codes(api_client.post("/v2/card/generate", {"seriesId": external.pk, "count": 1},
                                          format="json")) == [701]


def test_generation_logs(api_client, series, org):
    services.card_generation_start(org=org, series=series, count=2, description="first")
    services.card_generation_start(org=org, series=series, count=3, description="second")
    other = CardSeriesFactory(org=org, code="OTHER")
    services.card_generation_start(org=org, series=other, count=1)
    for path in (f"/v2/card/generation/logs?seriesId={series.pk}", f"/v2/card/generation/logs/{series.pk}"):
        response = api_client.get(path)
        assert response.status_code == 200, response.content
        entity = response.json()["entity"]
        assert [(e["count"], e["description"], e["seriesCode"]) for e in entity] == [(3, "second", "GOLD"),
                                                                                      (2, "first", "GOLD")]
        assert set(entity[0]) >= {"id", "orgId", "seriesId", "seriesName", "count", "createdBy", "date",
                                  "description", "fileHandle"}
    assert len(api_client.get("/v2/card/generation/logs").json()["entity"]) == 3
    assert v2_error_codes(api_client.get("/v2/card/generation/logs?seriesId=999999")) == [3000]


def test_generation_logs_query_count(api_client, series, org, django_assert_max_num_queries):
    for _ in range(5):
        services.card_generation_start(org=org, series=series, count=1)
    with django_assert_max_num_queries(12):
        response = api_client.get("/v2/card/generation/logs")
    assert len(response.json()["entity"]) == 5


def test_random_series_capacity_is_702(api_client, org):
    series = CardSeriesFactory(org=org, prefix="RR", length=4, method=GenerationMethod.RANDOM)  # 100 numbers
    assert v2_error_codes(api_client.post("/v2/card/generate", {"seriesId": series.pk, "count": 101},
                                          format="json")) == [702]
    response = api_client.post("/v2/card/generate", {"seriesId": series.pk, "count": 100}, format="json")
    assert response.status_code == 200 and len(set(response.json()["data"])) == 100
    assert v2_error_codes(api_client.post("/v2/card/generate", {"seriesId": series.pk, "count": 1},
                                          format="json")) == [702]
