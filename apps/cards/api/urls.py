"""Routes of the cards domain, per API version (v1 reuses the v1.1 list)."""
from django.urls import path

from .v2 import views as v2

v11_urlpatterns: list = []

v2_urlpatterns = [
    path("card/series", v2.CardSeriesV2.as_view()),
    path("card/series/", v2.CardSeriesSlashV2.as_view()),
    path("card/series/get/all", v2.CardSeriesAllV2.as_view()),
    path("card/series/<int:series_id>", v2.CardSeriesByIdV2.as_view()),
    path("card/generate", v2.CardGenerateV2.as_view()),
    path("card/generation/logs", v2.CardGenerationLogsV2.as_view()),
    path("card/generation/logs/<int:series_id>", v2.CardGenerationLogsBySeriesV2.as_view()),
    path("card", v2.CardV2.as_view()),
    path("card/", v2.CardSlashV2.as_view()),
    path("card/bulk", v2.CardBulkV2.as_view()),
    path("card/statusLog", v2.CardStatusLogV2.as_view()),
]
