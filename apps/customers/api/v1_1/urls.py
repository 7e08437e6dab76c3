"""v1.1 (and v1) customer routes; `?format=json` and the `.json` suffix are both accepted."""
from django.urls import re_path

from . import engagement, views

JSON = r"(?:\.json)?$"

urlpatterns = [
    re_path(r"^customer/add" + JSON, views.CustomerAddV11.as_view()),
    re_path(r"^customer/update" + JSON, views.CustomerUpdateV11.as_view()),
    re_path(r"^customer/update_identity" + JSON, views.CustomerUpdateIdentityV11.as_view()),
    re_path(r"^customer/get" + JSON, views.CustomerGetV11.as_view()),
    re_path(r"^customer/notes" + JSON, engagement.CustomerNotesV11.as_view()),
    re_path(r"^customer/tickets" + JSON, engagement.CustomerTicketsV11.as_view()),
    re_path(r"^customer/preferences" + JSON, engagement.CustomerPreferencesV11.as_view()),
    re_path(r"^customer/subscriptions" + JSON, engagement.CustomerSubscriptionsV11.as_view()),
    re_path(r"^customer/interaction" + JSON, engagement.CustomerInteractionV11.as_view()),
]
