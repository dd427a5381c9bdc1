"""Screens of the dealer exchange: the partner's portal, and the planners' and clerks' side."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.exceptions import DomainError
from core.permissions import RoleRequiredMixin
from core.roles import Role, user_access
from core.views import refusal_on_form
from inventory.models import normalize_part_number

from . import selectors, services
from .documents import delivery_note_pdf
from .forms import OfferForm, RejectForm
from .models import ExchangeRequest, Offer, RequestState

MANAGE_ROLES = (Role.PLANNER, Role.MANAGER, Role.CLERK)


class PartnerMixin(RoleRequiredMixin):
    """The partner portal: the partner role, and a dealer linked to the login."""

    required_roles = (Role.PARTNER,)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and Role.PARTNER in user_access(request.user).roles:
            self.dealer = selectors.partner_for_user(request.user)
            if self.dealer is None:
                raise PermissionDenied(_("Your login is not linked to an active partner dealer; ask the group."))
        return super().dispatch(request, *args, **kwargs)


class PortalView(PartnerMixin, TemplateView):
    """Offered parts (price and quantity only) and the dealer's own requests."""

    template_name = "exchange/portal.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:40]
        offers = selectors.open_offers()
        if query:
            offers = offers.filter(
                Q(part__number_normalized__contains=normalize_part_number(query))
                | Q(part__description__icontains=query)
            )
        return super().get_context_data(**kwargs) | {
            "dealer": self.dealer,
            "offers": list(offers[:200]),
            "requests": list(selectors.partner_requests(dealer=self.dealer)[:20]),
            "q": query,
        }

    def post(self, request):
        lines = []
        for key, raw in request.POST.items():
            if not key.startswith("qty-") or not raw.strip():
                continue
            try:
                lines.append((int(key[4:]), Decimal(raw.strip().replace(",", "."))))
            except (ValueError, InvalidOperation):
                messages.error(request, _("“%(value)s” is not a quantity.") % {"value": raw[:20]})
                return redirect("exchange:portal")
        try:
            exchange_request = services.request_create(
                dealer=self.dealer,
                lines=lines,
                user=request.user,
                reference=request.POST.get("reference", ""),
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("exchange:portal")
        messages.success(
            request,
            _("%(number)s sent: the group confirms when it ships, with a delivery note.")
            % {"number": exchange_request.number},
        )
        return redirect("exchange:portal-request", pk=exchange_request.pk)


class PortalRequestView(PartnerMixin, TemplateView):
    template_name = "exchange/portal_request.html"

    def get_context_data(self, **kwargs):
        exchange_request = selectors.partner_requests(dealer=self.dealer).filter(pk=self.kwargs["pk"]).first()
        if exchange_request is None:
            raise Http404(_("No such request."))
        return super().get_context_data(**kwargs) | {"request_obj": exchange_request}


class ManageView(RoleRequiredMixin, TemplateView):
    """Offers, what is worth offering, and the partners' requests waiting."""

    template_name = "exchange/manage.html"
    required_roles = MANAGE_ROLES

    def get_context_data(self, **kwargs):
        access = user_access(self.request.user)
        may_offer = access.has_any(services.OFFER_ROLES)
        return super().get_context_data(**kwargs) | {
            "offers": list(selectors.offer_list()[:300]),
            "candidates": selectors.offer_candidates(limit=50) if may_offer else [],
            "inbox": list(selectors.request_inbox()[:100]),
            "recent": list(selectors.request_inbox(state=None).exclude(state=RequestState.REQUESTED)[:20]),
            "form": kwargs.get("form") or OfferForm(),
            "may_offer": may_offer,
            "may_ship": access.has_any(services.SHIP_ROLES),
        }

    def post(self, request):
        form = OfferForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                offer = services.offer_create(
                    part=data["part"],
                    warehouse=data["warehouse"],
                    quantity=data["quantity"],
                    price_rule=data["price_rule"],
                    rule_value=data["rule_value"],
                    valid_until=data["valid_until"],
                    user=request.user,
                )
            except DomainError as error:
                refusal_on_form(form, error)
            else:
                messages.success(
                    request,
                    _("%(part)s × %(quantity)s offered at %(price)s each.")
                    % {
                        "part": offer.part.number,
                        "quantity": f"{offer.quantity.normalize():f}",
                        "price": offer.unit_price,
                    },
                )
                return redirect("exchange:manage")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class OfferWithdrawView(RoleRequiredMixin, View):
    required_roles = (Role.PLANNER, Role.MANAGER)

    def post(self, request, pk: int):
        try:
            services.offer_withdraw(offer=get_object_or_404(Offer, pk=pk), user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Offer withdrawn; partners no longer see it."))
        return redirect("exchange:manage")


class RequestDetailView(RoleRequiredMixin, TemplateView):
    template_name = "exchange/request_detail.html"
    required_roles = MANAGE_ROLES

    def get_context_data(self, **kwargs):
        exchange_request = get_object_or_404(selectors.request_inbox(state=None), pk=self.kwargs["pk"])
        access = user_access(self.request.user)
        return super().get_context_data(**kwargs) | {
            "request_obj": exchange_request,
            "may_ship": access.has_any(services.SHIP_ROLES),
            "reject_form": kwargs.get("reject_form") or RejectForm(),
        }

    def post(self, request, pk: int):
        exchange_request = get_object_or_404(ExchangeRequest, pk=pk)
        action = request.POST.get("action")
        try:
            if action == "ship":
                services.request_ship(request=exchange_request, user=request.user)
                messages.success(
                    request,
                    _("%(number)s shipped: print the delivery note and send it with the parts.")
                    % {"number": exchange_request.number},
                )
            elif action == "reject":
                services.request_reject(
                    request=exchange_request, user=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(
                    request, _("%(number)s rejected; the partner sees why.") % {"number": exchange_request.number}
                )
            else:
                messages.error(request, _("Choose ship or reject."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("exchange:request", pk=pk)


class DeliveryNoteView(RoleRequiredMixin, View):
    """The delivery note of a shipped request: for the group's staff, and for the partner it belongs to."""

    required_roles = (*MANAGE_ROLES, Role.PARTNER)

    def get(self, request, pk: int):
        requests = ExchangeRequest.objects.filter(state=RequestState.SHIPPED).select_related("dealer", "warehouse")
        if not user_access(request.user).has_any(set(MANAGE_ROLES)):
            dealer = selectors.partner_for_user(request.user)
            requests = requests.filter(dealer=dealer) if dealer is not None else requests.none()
        exchange_request = requests.filter(pk=pk).first()
        if exchange_request is None:
            raise Http404(_("No such delivery note."))
        response = HttpResponse(delivery_note_pdf(exchange_request), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{exchange_request.number}.pdf"'
        return response
