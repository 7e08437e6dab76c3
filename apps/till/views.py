"""Till screens for store staff: thin views over the same services and selectors the API calls.

Every screen runs inside a till session (TillView): a logged-in staff member of the org, at a till of their own store.
What a screen may do is decided by the staff member's Django permissions (apps/till/permissions.py); a screen the
role may not use is left out of the navigation and answers 403.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from apps.core.errors import DomainError
from apps.customers import errors as customer_errors
from apps.customers.selectors import customer_get
from apps.customers.services import customer_create
from apps.fields.selectors import extended_field_list
from apps.organizations.models import Till
from apps.organizations.selectors import org_config_flag, payment_modes_active
from apps.points import selectors as points_selectors
from apps.points.services import (Actor, points_redeem, points_redeemability, validation_code_check,
                                  validation_code_issue)
from apps.transactions import errors as bill_errors
from apps.transactions.choices import BillType, ReturnType
from apps.transactions.models import Bill
from apps.transactions.selectors import bill_detail_queryset, bills_by_number, product_list
from apps.transactions.services import (BillInput, CustomerRef, LineInput, TenderInput, bill_simulate,
                                        bill_submit)

from . import forms, selectors, services
from . import permissions as perms

SESSION_TILL = "till:id"
SESSION_SEEN = "till:seen"
SEEN_REFRESH_SECONDS = 60
MAX_LINES = 50
MAX_TENDERS = 5
BLANK_LINES = 3


def idle_timeout() -> int:
    return getattr(settings, "TILL_IDLE_TIMEOUT_SECONDS", 15 * 60)


def session_max_age() -> int:
    return getattr(settings, "TILL_SESSION_MAX_AGE_SECONDS", 12 * 60 * 60)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def error_text(exc: DomainError) -> str:
    return f"{exc.message} ({exc.code})"


# -- the till session ------------------------------------------------------------------------------------------------
@dataclass
class TillSession:
    user: object
    till: Till

    @property
    def org(self):
        return self.till.org

    @property
    def store(self):
        return self.till.store

    @property
    def actor(self) -> Actor:
        return Actor.for_till(self.till)


def session_till(request) -> Till | None:
    """The session's till, only while it is active and belongs to the staff member's org and store."""
    user = request.user
    till_id = request.session.get(SESSION_TILL)
    if not (user.is_authenticated and user.is_active and user.org_id and user.store_id and till_id):
        return None
    return selectors.session_till_get(user=user, till_id=till_id)


def nav_for(user) -> dict[str, bool]:
    """Which screens the navigation shows: one permission each (the staff member's Django permissions)."""
    granted = user.get_all_permissions()
    has = (lambda perm: user.is_superuser or perm in granted) if user.is_active else (lambda perm: False)
    coupons = selectors.coupons_available() is not None
    return {"find": has(perms.USE), "enrol": has(perms.ENROL), "bill": has(perms.BILL), "return": has(perms.RETURN),
            "redeem_points": has(perms.REDEEM_POINTS), "redeem_coupon": coupons and has(perms.REDEEM_COUPON),
            "issue_coupon": coupons and has(perms.ISSUE_COUPON), "activity": has(perms.ACTIVITY)}


class TillView(View):
    """Base of every screen behind the login: session, idle timeout, permission, org/store scoping."""

    permission = perms.USE
    nav_key = "find"

    def dispatch(self, request, *args, **kwargs):
        till = session_till(request)
        if till is None:
            if request.user.is_authenticated and request.session.get(SESSION_TILL):
                logout(request)
            return self._to_login(request)
        now = int(time.time())
        seen = int(request.session.get(SESSION_SEEN) or 0)
        if now - seen > idle_timeout():
            logout(request)
            messages.info(request, _("Your till session timed out. Please log in again."))
            return self._to_login(request)
        if now - seen > SEEN_REFRESH_SECONDS:
            request.session[SESSION_SEEN] = now
        self.nav = nav_for(request.user)
        user = request.user
        if not (user.is_superuser or (user.has_perm(perms.USE) and user.has_perm(self.permission))):
            return render(request, "till/forbidden.html", self.context(till=till), status=403)
        self.till_session = TillSession(user=request.user, till=till)
        # Times on the screens are the store's local times (the activity's "today" is the store's day too).
        with timezone.override(ZoneInfo(till.store.effective_timezone)):
            try:
                return super().dispatch(request, *args, **kwargs)
            except Http404:  # missing, or another org's / store's: the same answer, inside the till's layout
                return self.show("not_found.html", status=404)

    @staticmethod
    def _to_login(request):
        target = reverse("till:login")
        if request.method == "GET":
            target += "?next=" + request.get_full_path()
        return HttpResponseRedirect(target)

    def context(self, **extra) -> dict:
        session = getattr(self, "till_session", None)
        till = extra.pop("till", None) or (session.till if session else None)
        return {"till": till, "store": till.store if till else None, "nav": getattr(self, "nav", {}),
                "active": self.nav_key, **extra}

    def show(self, template: str, status: int = 200, **extra):
        return render(self.request, f"till/{template}", self.context(**extra), status=status)

    # scoped lookups: another org's (or store's) row answers like a missing one
    def customer(self, pk):
        try:
            return customer_get(org=self.till_session.org, customer_id=pk)
        except customer_errors.CustomerNotFound:
            raise Http404("No such customer") from None

    def store_bill(self, pk) -> Bill:
        try:
            pk = int(str(pk).strip())
        except ValueError:
            raise Http404("No such bill") from None
        bill = bill_detail_queryset(org=self.till_session.org).filter(pk=pk, store=self.till_session.store).first()
        if bill is None:
            raise Http404("No such bill")
        return bill


# -- login / logout --------------------------------------------------------------------------------------------------
class LoginView(View):
    def get(self, request):
        form = forms.LoginForm(initial={"till": request.COOKIES.get("till_code", "")})
        return render(request, "till/login.html", {"form": form, "next": request.GET.get("next", "")})

    def post(self, request):
        form = forms.LoginForm(request.POST)
        nxt = request.POST.get("next", "")
        if not form.is_valid():
            return render(request, "till/login.html", {"form": form, "next": nxt}, status=400)
        username, ip = form.cleaned_data["username"], client_ip(request)
        if services.login_locked(username=username, ip=ip):
            form.add_error(None, _("Too many failed attempts. Try again later or ask your manager."))
            return render(request, "till/login.html", {"form": form, "next": nxt}, status=429)
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            locked = services.login_failed(username=username, ip=ip)
            form.add_error(None, _("Too many failed attempts. Try again later or ask your manager.") if locked
                           else _("Wrong username or password."))
            return render(request, "till/login.html", {"form": form, "next": nxt}, status=429 if locked else 400)
        till, problem = self._till_for(user, form.cleaned_data["till"])
        if problem:
            form.add_error(None, problem)
            return render(request, "till/login.html", {"form": form, "next": nxt}, status=403)
        services.login_succeeded(username=username, ip=ip)
        target = nxt if nxt.startswith("/till/") and url_has_allowed_host_and_scheme(
            nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()) else ""
        return start_till_session(request, user=user, till=till, target=target)

    @staticmethod
    def _till_for(user, code: str) -> tuple[Till | None, str]:
        if not user.org_id or not user.store_id:
            return None, _("You are not assigned to a store; ask your manager.")
        services.till_role_group_ensure(user=user)
        if not (user.is_superuser or user.has_perm(perms.USE)):
            return None, _("Your role may not use the till screens.")
        till = selectors.staff_till_choose(user=user, code=(code or "").strip())
        if till is None and code:
            return None, _("Till %(code)s is not one of your store's tills.") % {"code": code}
        if till is None:
            return None, _("Your store has no active till.")
        return till, ""


class PinLoginView(View):
    """Log in with the till's own credentials plus the staff member's username (or staff code) and PIN."""

    def get(self, request):
        form = forms.PinLoginForm(initial={"till_username": request.COOKIES.get("till_username", "")})
        return render(request, "till/login_pin.html", {"form": form})

    def post(self, request):
        form = forms.PinLoginForm(request.POST)
        if not form.is_valid():
            return render(request, "till/login_pin.html", {"form": form}, status=400)
        d, ip = form.cleaned_data, client_ip(request)
        throttle_name = f"pin:{d['till_username']}:{d['staff']}"
        if services.login_locked(username=throttle_name, ip=ip):
            form.add_error(None, _("Too many failed attempts. Try again later or ask your manager."))
            return render(request, "till/login_pin.html", {"form": form}, status=429)
        till, user = services.pin_login_match(till_username=d["till_username"], till_password=d["till_password"],
                                              staff=d["staff"], pin=d["pin"])
        if user is None:
            locked = services.login_failed(username=throttle_name, ip=ip)
            form.add_error(None, _("Too many failed attempts. Try again later or ask your manager.") if locked
                           else _("Wrong till credentials, staff or PIN."))
            return render(request, "till/login_pin.html", {"form": form}, status=429 if locked else 400)
        if user.till_id and user.till_id != till.pk:
            form.add_error(None, _("Till %(code)s is not one of your store's tills.") % {"code": till.code})
            return render(request, "till/login_pin.html", {"form": form}, status=403)
        services.till_role_group_ensure(user=user)
        if not (user.is_superuser or user.has_perm(perms.USE)):
            form.add_error(None, _("Your role may not use the till screens."))
            return render(request, "till/login_pin.html", {"form": form}, status=403)
        services.login_succeeded(username=throttle_name, ip=ip)
        response = start_till_session(request, user=user, till=till)
        response.set_cookie("till_username", till.username, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=request.is_secure())
        return response


def start_till_session(request, *, user, till, target: str = "") -> HttpResponseRedirect:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_TILL] = till.pk
    request.session[SESSION_SEEN] = int(time.time())
    request.session.set_expiry(session_max_age())
    response = HttpResponseRedirect(target or reverse("till:home"))
    response.set_cookie("till_code", till.code, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                        secure=request.is_secure())
    return response


class LogoutView(View):
    def post(self, request):
        logout(request)
        messages.info(request, _("You are logged out."))
        return HttpResponseRedirect(reverse("till:login"))


# -- find a customer -------------------------------------------------------------------------------------------------
class HomeView(TillView):
    nav_key = "find"

    def get(self, request):
        q = request.GET.get("q", "").strip()
        error = ""
        if q:
            try:
                customer, _kind = selectors.customer_find_any(org=self.till_session.org, text=q)
            except DomainError as exc:
                error = _("No customer found for “%(q)s”. Check the number, or enrol the customer.") % {"q": q} \
                    if isinstance(exc, customer_errors.CustomerNotFound) else error_text(exc)
            else:
                return HttpResponseRedirect(reverse("till:customer", args=[customer.pk]))
        return self.show("home.html", status=404 if error else 200, q=q, error=error)


class CustomerView(TillView):
    nav_key = "find"

    def get(self, request, pk):
        customer = self.customer(pk)
        panel = selectors.customer_panel(org=self.till_session.org, store=self.till_session.store, customer=customer)
        return self.show("customer.html", panel=panel, customer=customer)


# -- enrol -----------------------------------------------------------------------------------------------------------
class EnrolView(TillView):
    permission = perms.ENROL
    nav_key = "enrol"

    def _form(self, data=None):
        org = self.till_session.org
        required = [name for key, name in (("CONF_USERS_IS_MOBILE_REQUIRED", "mobile"),
                                           ("CONF_USERS_IS_EMAIL_REQUIRED", "email"),
                                           ("CONF_USERS_IS_EXTERNAL_ID_REQUIRED", "external_id"))
                    if org_config_flag(org=org, key=key)]
        definitions = [d for d in extended_field_list(org=org, entity="CUSTOMER", active_only=True) if not d.is_hidden]
        initial = {"mobile": self.request.GET.get("mobile", "")} if data is None else None
        return forms.EnrolForm(data, initial=initial, required_identifiers=required, extended_fields=definitions)

    def get(self, request):
        return self.show("enrol.html", form=self._form())

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            session = self.till_session
            try:
                customer, warnings = customer_create(
                    org=session.org, source="INSTORE", identifiers=form.identifiers(), till=session.till,
                    user=session.user, first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"], extended_fields=form.extended_values())
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                for warning in warnings:
                    messages.warning(request, error_text(warning))
                messages.success(request, _("Customer enrolled."))
                return HttpResponseRedirect(reverse("till:customer", args=[customer.pk]))
        return self.show("enrol.html", status=400, form=form)


# -- bills -----------------------------------------------------------------------------------------------------------
def _decimal(raw, *, field: str, errors: list[str], label: str) -> Decimal | None:
    text = str(raw or "").strip().replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append(_("%(label)s: “%(value)s” is not a number.") % {"label": label, "value": text})
        return None
    if not value.is_finite() or value < 0:
        errors.append(_("%(label)s must be zero or more.") % {"label": label})
        return None
    return value


def bill_rows(post) -> tuple[list[dict], list[dict], list[str]]:
    """The line and tender rows as typed (for redisplay) and the problems found in them."""
    errors: list[str] = []
    codes, descriptions = post.getlist("item_code"), post.getlist("description")
    if len(codes) > MAX_LINES:
        errors.append(_("A bill has at most %(n)s lines at the till.") % {"n": MAX_LINES})
    qtys, rates = post.getlist("qty"), post.getlist("rate")
    lines = []
    for index, code in enumerate(codes[:MAX_LINES]):
        row = {"item_code": code.strip(), "description": (descriptions[index] if index < len(descriptions) else "").strip(),
               "qty": (qtys[index] if index < len(qtys) else "").strip(),
               "rate": (rates[index] if index < len(rates) else "").strip()}
        if row["item_code"] or row["rate"]:
            lines.append(row)
    tenders = []
    for mode, value in list(zip(post.getlist("tender_mode"), post.getlist("tender_value")))[:MAX_TENDERS]:
        if value.strip():  # a payment row without an amount is an unused row
            tenders.append({"mode": mode.strip(), "value": value.strip()})
    if not lines:
        errors.append(_("Add at least one line with an item code and a price."))
    return lines, tenders, errors


def bill_input(*, number: str, customer, lines: list[dict], tenders: list[dict], errors: list[str]) -> BillInput:
    data = BillInput(type=BillType.REGULAR, number=number.strip(),
                     customer=CustomerRef(identifier_name="id", identifier_value=str(customer.pk)))
    for index, row in enumerate(lines, start=1):
        qty = _decimal(row["qty"], field="qty", errors=errors, label=_("Line %(n)s quantity") % {"n": index})
        rate = _decimal(row["rate"], field="rate", errors=errors, label=_("Line %(n)s price") % {"n": index})
        if not row["item_code"]:
            errors.append(_("Line %(n)s needs an item code.") % {"n": index})
        if rate is None:
            errors.append(_("Line %(n)s needs a price.") % {"n": index})
        data.lines.append(LineInput(item_code=row["item_code"], description=row["description"],
                                    qty=qty if qty is not None else Decimal(1), rate=rate))
    for index, row in enumerate(tenders, start=1):
        value = _decimal(row["value"], field="value", errors=errors, label=_("Payment %(n)s amount") % {"n": index})
        if not row["mode"]:
            errors.append(_("Payment %(n)s needs a payment mode.") % {"n": index})
        data.tenders.append(TenderInput(mode=row["mode"], value=value or Decimal(0)))
    return data


class BillView(TillView):
    """Record a bill for a customer: lines, payments, the points it earns (simulation) shown, then confirm."""

    permission = perms.BILL
    nav_key = "bill"

    def _page(self, customer, *, status=200, **extra):
        modes = [mode.name for mode in payment_modes_active(org=self.till_session.org)][:20]
        lines = extra.pop("lines", [])
        lines = lines + [{"item_code": "", "description": "", "qty": "", "rate": ""}] * max(0, BLANK_LINES - len(lines))
        tenders = extra.pop("tenders", []) or [{"mode": modes[0] if modes else "", "value": ""}]
        return self.show("bill.html", status=status, customer=customer, lines=lines, tenders=tenders,
                         payment_modes=modes, **extra)

    def get(self, request, pk):
        customer = self.customer(pk)
        now = timezone.localtime(timezone.now())
        suggestion = f"{self.till_session.till.code}-{now:%Y%m%d%H%M%S}"
        return self._page(customer, number=suggestion)

    def post(self, request, pk):
        customer = self.customer(pk)
        session = self.till_session
        number = request.POST.get("number", "").strip()
        lines, tenders, errors = bill_rows(request.POST)
        data = bill_input(number=number, customer=customer, lines=lines, tenders=tenders, errors=errors)
        page = {"number": number, "lines": lines, "tenders": tenders}
        if errors:
            return self._page(customer, status=400, errors=errors, **page)
        action = request.POST.get("action", "preview")
        try:
            if action == "confirm":
                result = bill_submit(org=session.org, data=data, till=session.till)
            else:
                simulation = bill_simulate(org=session.org, data=data, till=session.till)
        except bill_errors.BillRejected as exc:
            return self._page(customer, status=422, errors=[error_text(r) for r in exc.reasons], **page)
        except DomainError as exc:
            return self._page(customer, status=400, errors=[error_text(exc)], **page)
        if action == "confirm":
            for warning in result.warnings:
                messages.warning(request, error_text(warning))
            messages.success(request, _("Bill %(number)s recorded: %(points)s points earned.") % {
                "number": result.bill.number, "points": _points(result.points_awarded)})
            return HttpResponseRedirect(reverse("till:bill-detail", args=[result.bill.pk]))
        return self._page(customer, simulation=simulation, amount=simulation.bill.amount,
                          warnings=[error_text(w) for w in simulation.warnings], **page)


def _points(value) -> str:
    return f"{(value or Decimal(0)).normalize():f}"


class BillDetailView(TillView):
    nav_key = "bill"

    def get(self, request, pk):
        bill = self.store_bill(pk)
        return self.show("bill_detail.html", bill=bill, lines=list(bill.lines.all().order_by("position")),
                         tenders=list(bill.tenders.all()))


class SkuLookupView(TillView):
    """GET /till/sku?code=: the product master row for quick entry (JSON), 404 when unknown."""

    permission = perms.BILL
    nav_key = "bill"

    def get(self, request):
        code = request.GET.get("code", "").strip()
        product = product_list(org=self.till_session.org, active_only=True).filter(item_code=code).first() \
            if code else None
        if product is None:
            return JsonResponse({"found": False}, status=404)
        return JsonResponse({"found": True, "item_code": product.item_code, "description": product.description,
                             "price": format(product.price.normalize(), "f") if product.price is not None else ""})


# -- returns ---------------------------------------------------------------------------------------------------------
class ReturnView(TillView):
    """Find the original bill (this store) by number, then return it whole, by line or by amount."""

    permission = perms.RETURN
    nav_key = "return"

    def _bills(self, number):
        return list(bills_by_number(org=self.till_session.org, number=number, store=self.till_session.store)
                    .filter(type__in=[BillType.REGULAR, BillType.MIXED]).select_related("customer")[:10])

    def get(self, request):
        number = request.GET.get("number", "").strip()
        form = forms.ReturnFindForm(request.GET or None)
        bills, bill, lines = [], None, []
        if number:
            bills = self._bills(number)
            chosen = request.GET.get("bill")
            bill = next((b for b in bills if str(b.pk) == chosen), None) if chosen else \
                (bills[0] if len(bills) == 1 else None)
            if bill is not None:
                lines = list(bill.lines.filter(type="REGULAR").order_by("position"))
        status = 404 if number and not bills else 200
        return self.show("return.html", status=status, form=form, number=number, bills=bills, bill=bill, lines=lines,
                         searched=bool(number))

    def post(self, request):
        session = self.till_session
        parent = self.store_bill(request.POST.get("bill"))
        lines = list(parent.lines.filter(type="REGULAR").order_by("position"))
        return_type = request.POST.get("return_type", "")
        errors: list[str] = []
        data = BillInput(type=BillType.RETURN, number=request.POST.get("return_number", "").strip() or parent.number,
                         return_type=return_type, parent_number=parent.number, parent_id=parent.pk,
                         customer=CustomerRef(identifier_name="id", identifier_value=str(parent.customer_id)))
        if parent.customer_id is None:
            data.type, data.customer = BillType.NOT_INTERESTED_RETURN, CustomerRef()
        if return_type == ReturnType.AMOUNT:
            data.amount = _decimal(request.POST.get("amount"), field="amount", errors=errors, label=_("Amount"))
            if data.amount is None and not errors:
                errors.append(_("Enter the amount to return."))
        elif return_type == ReturnType.LINE_ITEM:
            for line in lines:
                qty = _decimal(request.POST.get(f"qty_{line.pk}"), field="qty", errors=errors,
                               label=_("Quantity of %(code)s") % {"code": line.item_code})
                if qty:
                    data.lines.append(LineInput(item_code=line.item_code, serial=line.serial, qty=qty))
            if not data.lines and not errors:
                errors.append(_("Enter the quantity to return on at least one line."))
        elif return_type != ReturnType.FULL:
            errors.append(_("Choose how to return the bill."))
        if not errors:
            try:
                result = bill_submit(org=session.org, data=data, till=session.till)
            except bill_errors.BillRejected as exc:
                errors = [error_text(r) for r in exc.reasons]
            except DomainError as exc:
                errors = [error_text(exc)]
            else:
                messages.success(request, _("Return recorded: %(amount)s returned, %(points)s points taken back.") % {
                    "amount": result.bill.amount, "points": _points(result.points_reversed)})
                return HttpResponseRedirect(reverse("till:bill-detail", args=[result.bill.pk]))
        return self.show("return.html", status=400, form=forms.ReturnFindForm(initial={"number": parent.number}),
                         number=parent.number, bills=[parent], bill=parent, lines=lines, errors=errors,
                         searched=True, posted=request.POST)


# -- points redemption -----------------------------------------------------------------------------------------------
class RedeemPointsView(TillView):
    """Step 1 (action=send): check the points can be redeemed, show their value and send the validation code.
    Step 2 (action=redeem): check the code the customer reads out and redeem against the bill."""

    permission = perms.REDEEM_POINTS
    nav_key = "redeem_points"

    def _program(self):
        return selectors.default_program(org=self.till_session.org)

    def get(self, request, pk):
        customer = self.customer(pk)
        program = self._program()
        form = forms.RedeemPointsForm(initial={"bill_number": request.GET.get("bill", ""), "nonce": uuid.uuid4().hex})
        return self.show("redeem_points.html", customer=customer, program=program, form=form,
                         panel=self._balance(customer, program))

    def _balance(self, customer, program):
        if program is None:
            return None
        return points_selectors.balances_for(org=self.till_session.org, customer=customer, programs=[program],
                                             now=timezone.now())[0]

    def post(self, request, pk):
        customer = self.customer(pk)
        session, program = self.till_session, self._program()
        form = forms.RedeemPointsForm(request.POST)
        extra = {"customer": customer, "program": program, "form": form}
        if program is None:
            form.add_error(None, _("The organisation has no points programme."))
        if not form.is_valid():
            return self.show("redeem_points.html", status=400, panel=self._balance(customer, program), **extra)
        d = form.cleaned_data
        action = request.POST.get("action", "send")
        try:
            check = points_redeemability(org=session.org, customer=customer, program=program, points=d["points"])
            if check.error is not None:
                raise check.error
            if action == "redeem":
                code = d["code"].strip()
                if program.validation_code_required and not code:
                    form.add_error("code", _("Enter the validation code the customer received."))
                    return self.show("redeem_points.html", status=400, check=check, code_sent=True,
                                     panel=self._balance(customer, program), **extra)
                # One redemption per screen: a second submit of the same form (double tap, reload) shows the first.
                key = f"till-redeem:{session.till.pk}:{customer.pk}:{d['nonce']}"
                redemption = points_selectors.redemption_replayed(org=session.org, idempotency_key=key)
                if redemption is None:
                    if code:
                        validation_code_check(org=session.org, customer=customer, code=code)
                    redemption = points_redeem(
                        org=session.org, customer=customer, program=program, points=d["points"],
                        bill_number=d["bill_number"], idempotency_key=key, actor=session.actor,
                        validation_code=code or None)
                messages.success(request, _("%(points)s points redeemed for %(value)s on bill %(bill)s "
                                            "(redemption %(code)s).") % {
                    "points": _points(redemption.points), "value": redemption.value, "bill": redemption.bill_number,
                    "code": redemption.code})
                return HttpResponseRedirect(reverse("till:customer", args=[customer.pk]))
            row, _created = validation_code_issue(org=session.org, customer=customer, program=program,
                                                  points=d["points"])
        except DomainError as exc:
            form.add_domain_error(exc)
            return self.show("redeem_points.html", status=422 if exc.status == 422 else 400,
                             code_sent=action == "redeem", panel=self._balance(customer, program), **extra)
        # Keyboard-first: the next thing to type is the code the customer reads out.
        form.fields["points"].widget.attrs.pop("autofocus", None)
        form.fields["code"].widget.attrs["autofocus"] = True
        channel = _("SMS") if row.channel == "SMS" else _("email")
        messages.info(request, _("Validation code sent to the customer by %(channel)s.") % {"channel": channel})
        return self.show("redeem_points.html", check=check, code_sent=True,
                         panel=self._balance(customer, program), **extra)


# -- coupons ---------------------------------------------------------------------------------------------------------
class CouponMixin:
    def coupons(self):
        found = selectors.coupons_available()
        if found is None:
            raise Http404("Coupons are not available")
        return found


class RedeemCouponView(CouponMixin, TillView):
    permission = perms.REDEEM_COUPON
    nav_key = "redeem_coupon"

    def get(self, request, pk):
        customer = self.customer(pk)
        self.coupons()
        form = forms.RedeemCouponForm(initial={"code": request.GET.get("code", ""),
                                               "bill_number": request.GET.get("bill", "")})
        return self.show("redeem_coupon.html", customer=customer, form=form)

    def post(self, request, pk):
        customer = self.customer(pk)
        _sel, svc = self.coupons()
        session = self.till_session
        form = forms.RedeemCouponForm(request.POST)
        extra = {"customer": customer, "form": form}
        if not form.is_valid():
            return self.show("redeem_coupon.html", status=400, **extra)
        d = form.cleaned_data
        ctx = svc.RedeemContext(customer=customer, at=timezone.now(), store=session.store,
                                bill_number=d["bill_number"], bill_amount=d["bill_amount"],
                                validation_code=d["validation_code"].strip())
        action = request.POST.get("action", "check")
        try:
            if action == "redeem":
                result = svc.coupon_redeem(org=session.org, code=d["code"], ctx=ctx, till=session.till,
                                           details="till")
                redemption = result.redemption
                messages.success(request, _("Coupon %(code)s redeemed on bill %(bill)s: discount %(discount)s.") % {
                    "code": redemption.coupon.code, "bill": redemption.bill_number, "discount": redemption.discount})
                return HttpResponseRedirect(reverse("till:customer", args=[customer.pk]))
            check = svc.coupon_redeemability(org=session.org, code=d["code"], ctx=ctx)
            if check.error is not None:
                raise check.error
        except DomainError as exc:
            form.add_domain_error(exc)
            return self.show("redeem_coupon.html", status=422 if exc.status == 422 else 400, **extra)
        discount = svc.discount_for(check.coupon, ctx) if hasattr(svc, "discount_for") else None
        return self.show("redeem_coupon.html", check=check, discount=discount, **extra)


class IssueCouponView(CouponMixin, TillView):
    permission = perms.ISSUE_COUPON
    nav_key = "issue_coupon"

    def _form(self, data=None):
        sel, _svc = self.coupons()
        now = timezone.now()
        series = [s for s in sel.series_list(org=self.till_session.org).filter(valid_till__gte=now)[:50]]
        return forms.IssueCouponForm(data, series_choices=[(s.pk, s.description) for s in series])

    def get(self, request, pk):
        customer = self.customer(pk)
        return self.show("issue_coupon.html", customer=customer, form=self._form())

    def post(self, request, pk):
        customer = self.customer(pk)
        _sel, svc = self.coupons()
        session = self.till_session
        form = self._form(request.POST)
        if form.is_valid():
            try:
                result = svc.coupon_issue(org=session.org, series_id=form.cleaned_data["series"], customer=customer,
                                          till=session.till, store=session.store)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Coupon %(code)s issued.") % {"code": result.coupon.code})
                return HttpResponseRedirect(reverse("till:customer", args=[customer.pk]))
        return self.show("issue_coupon.html", status=400, customer=customer, form=form)


# -- today's activity ------------------------------------------------------------------------------------------------
class ActivityView(TillView):
    permission = perms.ACTIVITY
    nav_key = "activity"

    def get(self, request):
        activity = selectors.till_activity(org=self.till_session.org, till=self.till_session.till)
        return self.show("activity.html", activity=activity)
