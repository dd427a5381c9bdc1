"""Screens of webhook subscriptions: managers add, change and watch them, and redeliver."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from core.exceptions import DomainError
from core.permissions import RoleRequiredMixin
from core.roles import Role
from core.views import refusal_on_form

from . import selectors, services
from .forms import SubscriptionForm
from .models import WebhookDelivery, WebhookSubscription


class SubscriptionListView(RoleRequiredMixin, TemplateView):
    template_name = "webhooks/subscription_list.html"
    required_roles = (Role.MANAGER,)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "subscriptions": selectors.subscription_list(),
            "form": kwargs.get("form") or SubscriptionForm(),
        }

    def post(self, request):
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            try:
                subscription = services.webhook_subscription_create(user=request.user, **form.cleaned_data)
            except DomainError as error:
                refusal_on_form(form, error)
            else:
                messages.success(
                    request,
                    _("Subscription %(name)s added. Give its secret to the partner so it can check signatures.")
                    % {"name": subscription.name},
                )
                return redirect("webhooks:detail", pk=subscription.pk)
        return self.render_to_response(self.get_context_data(form=form))


class SubscriptionDetailView(RoleRequiredMixin, ListView):
    """One subscription: its settings (with the secret, for the partner) and its delivery log."""

    template_name = "webhooks/subscription_detail.html"
    required_roles = (Role.MANAGER,)
    paginate_by = 50
    context_object_name = "deliveries"

    def dispatch(self, request, *args, **kwargs):
        self.subscription = get_object_or_404(WebhookSubscription.objects.select_related("supplier"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.delivery_list(subscription=self.subscription, state=self.request.GET.get("state") or None)

    def get_context_data(self, **kwargs):
        subscription = self.subscription
        form = kwargs.pop("form", None) or SubscriptionForm(
            initial={
                "name": subscription.name,
                "target_url": subscription.target_url,
                "kinds": subscription.kinds,
                "supplier": subscription.supplier_id,
                "is_active": subscription.is_active,
            }
        )
        state = self.request.GET.get("state") or ""
        return super().get_context_data(**kwargs) | {
            "subscription": subscription,
            "form": form,
            "state": state,
            "query_string": f"state={state}" if state else "",
        }

    def post(self, request, pk: int):
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            try:
                services.webhook_subscription_update(
                    subscription=self.subscription, user=request.user, **form.cleaned_data
                )
            except DomainError as error:
                refusal_on_form(form, error)
            else:
                messages.success(request, _("Subscription saved."))
                return redirect("webhooks:detail", pk=pk)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form))


class SubscriptionDeleteView(RoleRequiredMixin, View):
    required_roles = (Role.MANAGER,)

    def post(self, request, pk: int):
        subscription = get_object_or_404(WebhookSubscription, pk=pk)
        services.webhook_subscription_delete(subscription=subscription, user=request.user)
        messages.success(request, _("Subscription %(name)s removed.") % {"name": subscription.name})
        return redirect("webhooks:list")


class DeliveryRedeliverView(RoleRequiredMixin, View):
    required_roles = (Role.MANAGER,)

    def post(self, request, pk: int, delivery_pk: int):
        delivery = get_object_or_404(WebhookDelivery, pk=delivery_pk, subscription_id=pk)
        try:
            services.webhook_delivery_redeliver(delivery=delivery, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Delivery queued again; its state shows here once the partner answers."))
        return redirect("webhooks:detail", pk=pk)
