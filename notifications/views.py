from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policies import require
from common.pagination import paginate
from notifications import channels, feed, kinds, policies, selectors, services
from notifications.forms import PreferenceForm, WebhookForm
from notifications.models import CalendarFeed, Webhook
from notifications.preferences import preference_of, webhook_for


@require(policies.may_receive_notifications)
@require_GET
def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    page_obj = paginate(request, selectors.notification_list(request.user, unread_only=unread_only))
    rows = [(notification, kinds.text(notification)) for notification in page_obj.object_list]
    return render(request, "notifications/notification_list.html",
                  {"page_obj": page_obj, "rows": rows, "unread_only": unread_only,
                   "can_manage_deliveries": policies.may_manage_deliveries(request.user)})


@require(policies.may_receive_notifications)
@require_POST
def notification_open(request, pk):
    """Mark it read and go to its record: the record's own page decides whether it may be seen."""
    notification = policies.get_notification_for(request.user, pk)
    services.mark_read(notification=notification, by=request.user)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:notification-list")


@require(policies.may_receive_notifications)
@require_POST
def notification_read(request, pk):
    notification = policies.get_notification_for(request.user, pk)
    services.mark_read(notification=notification, by=request.user)
    return redirect("notifications:notification-list")


@require(policies.may_receive_notifications)
@require_POST
def notification_read_all(request):
    services.mark_all_read(by=request.user)
    messages.success(request, _("Every notification is marked read."))
    return redirect("notifications:notification-list")


def _settings_page(request, form, robot_form, status=200):
    context = {"form": form, "robot_form": robot_form, "robot": webhook_for(request.user),
               "own_robot": Webhook.objects.filter(user=request.user).first(),
               "feed_token": CalendarFeed.objects.filter(user=request.user).values_list("token", flat=True).first()}
    return render(request, "notifications/preference_form.html", context, status=status)


@require(policies.may_receive_notifications)
@require_http_methods(["GET", "POST"])
def preference_edit(request):
    form = PreferenceForm(request.POST or None, instance=preference_of(request.user))
    if request.method == "POST" and form.is_valid():
        services.preference_save(preference=form.save(commit=False), by=request.user)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preference-edit")
    own = Webhook.objects.filter(user=request.user).first()
    return _settings_page(request, form, WebhookForm(instance=own))


@require(policies.may_receive_notifications)
@require_POST
def webhook_edit(request):
    own = Webhook.objects.filter(user=request.user).first() or Webhook(user=request.user)
    robot_form = WebhookForm(request.POST, instance=own)
    if robot_form.is_valid():
        services.webhook_save(webhook=robot_form.save(commit=False), by=request.user)
        messages.success(request, _("Your robot is saved."))
        return redirect("notifications:preference-edit")
    return _settings_page(request, PreferenceForm(instance=preference_of(request.user)), robot_form)


@require(policies.may_receive_notifications)
@require_POST
def webhook_delete(request):
    own = Webhook.objects.filter(user=request.user).first()
    if own is not None:
        services.webhook_delete(webhook=own, by=request.user)
        messages.success(request, _("Your robot is removed."))
    return redirect("notifications:preference-edit")


@require(policies.may_receive_notifications)
@require_POST
def feed_regenerate(request):
    services.feed_token_regenerate(by=request.user)
    messages.success(request, _("Your calendar has a new address: subscribe to it again; the old one no longer works."))
    return redirect("notifications:preference-edit")


@require(policies.may_receive_notifications)
@require_POST
def feed_revoke(request):
    services.feed_token_revoke(by=request.user)
    messages.success(request, _("Your calendar address no longer works."))
    return redirect("notifications:preference-edit")


@require_GET
def calendar_feed(request, token):
    """The secret address is the only credential (a phone's calendar cannot log in): an unknown,
    revoked or departed person's token is a 404, like any address that does not exist."""
    calendar = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if calendar is None or not policies.may_receive_notifications(calendar.user):
        raise Http404
    preference = preference_of(calendar.user)
    body = feed.calendar_for(calendar.user, show_phones=preference.feed_phones, show_birthdays=preference.feed_birthdays)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@require(policies.may_manage_deliveries)
@require_GET
def delivery_list(request):
    return render(request, "notifications/delivery_list.html", {
        "summary": selectors.delivery_summary(), "problems": selectors.recent_problems(), "robots": selectors.robots(),
        "sent": selectors.recently_sent(), "groups": selectors.groups_with_robots(),
    })


@require(policies.may_manage_deliveries)
@require_http_methods(["GET", "POST"])
def group_webhook_edit(request, group_pk):
    """An admin sets the robot of a sales group: its people's messages go there unless they set their own."""
    group = policies.get_robot_group_for(request.user, group_pk)
    current = Webhook.objects.filter(sales_group=group).first()
    form = WebhookForm(request.POST or None, instance=current or Webhook(sales_group=group))
    if request.method == "POST" and form.is_valid():
        services.webhook_save(webhook=form.save(commit=False), by=request.user)
        messages.success(request, _("The robot of %(group)s is saved.") % {"group": group.name})
        return redirect("notifications:delivery-list")
    return render(request, "notifications/group_webhook_form.html", {"group": group, "form": form, "robot": current})


@require(policies.may_manage_deliveries)
@require_POST
def group_webhook_delete(request, group_pk):
    group = policies.get_robot_group_for(request.user, group_pk)
    robot = Webhook.objects.filter(sales_group=group).first()
    if robot is not None:
        services.webhook_delete(webhook=robot, by=request.user)
        messages.success(request, _("The robot of %(group)s is removed.") % {"group": group.name})
    return redirect("notifications:delivery-list")


@require(policies.may_receive_notifications)
@require_POST
def webhook_test(request, pk):
    """Send a test message to one robot now, and say what it answered."""
    robot = policies.get_webhook_for(request.user, pk)
    text = kinds.Text(str(_("Test message from the CRM")), [str(_("If you can read this, the robot works."))])
    try:
        channels.send_webhook(webhook=robot, text=text, url="")
    except channels.SendFailed as error:
        messages.error(request, _("The robot did not take the message: %(error)s") % {"error": error})
    else:
        messages.success(request, _("The robot took the test message."))
    target = "notifications:delivery-list" if policies.may_manage_deliveries(request.user) else "notifications:preference-edit"
    return redirect(target)
