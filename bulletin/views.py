from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.policies import require
from bulletin import selectors, services
from bulletin.forms import PostForm, ReplyForm, SuggestionForm, SuggestionReplyForm, compact_window_form
from bulletin.policies import (
    board_view,
    get_post_for,
    get_reply_for,
    get_suggestion_for,
    is_management,
    may_delete_suggestion,
    may_moderate_board,
    may_send_suggestions,
)
from bulletin.ratelimit import remember_suggestions_sent, suggestions_sent
from common.http import client_ip
from common.pagination import paginate
from common.timewindows import CustomWindowForm

# --- Message board ----------------------------------------------------------------------------


def _is_guest(request) -> bool:
    return not request.user.is_authenticated


def _guest_name(form) -> str:
    return form.cleaned_data.get("guest_name", "")


@require_GET
@board_view
def post_list(request):
    page_obj = paginate(request, selectors.board_posts(request.user))
    return render(
        request,
        "bulletin/post_list.html",
        {"page_obj": page_obj, "can_moderate": may_moderate_board(request.user), "is_guest": _is_guest(request)},
    )


@require_http_methods(["GET", "POST"])
@board_view
def post_create(request):
    form = PostForm(request.POST or None, guest=_is_guest(request))
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(
                **{k: form.cleaned_data[k] for k in ("title", "emoticon", "content")},
                by=request.user, guest_name=_guest_name(form), ip=client_ip(request),
            )
        except services.Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Your message is on the board."))
            return redirect(post)
    return render(request, "bulletin/post_form.html", {"form": form, "is_guest": _is_guest(request)})


def _render_post(request, post, reply_form):
    context = {
        "post": post,
        "replies": selectors.thread(request.user, post),
        "reply_form": reply_form,
        "can_moderate": may_moderate_board(request.user),
        "is_guest": _is_guest(request),
    }
    return render(request, "bulletin/post_detail.html", context)


@require_GET
@board_view
def post_detail(request, pk):
    post = get_post_for(request.user, pk)
    return _render_post(request, post, ReplyForm(guest=_is_guest(request)))


@require_POST
@board_view
def reply_create(request, pk):
    try:
        post = get_post_for(request.user, pk)
    except Http404:
        messages.error(request, services.POST_GONE)
        return redirect("bulletin:post-list")
    form = ReplyForm(request.POST, guest=_is_guest(request))
    if form.is_valid():
        try:
            reply = services.reply_create(
                post=post, content=form.cleaned_data["content"],
                by=request.user, guest_name=_guest_name(form), ip=client_ip(request),
            )
        except services.Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Your reply has been posted."))
            return redirect(reply)
    return _render_post(request, post, form)


@require_http_methods(["GET", "POST"])
@login_required  # moderation is for a logged-in admin: guests are sent to log in
@board_view
def post_edit(request, pk):
    post = get_post_for(request.user, pk, write=True)
    form = PostForm(request.POST or None, instance=post)
    if request.method == "POST" and form.is_valid():
        services.post_update(post=post, **{k: form.cleaned_data[k] for k in ("title", "emoticon", "content")}, by=request.user)
        messages.success(request, _("The message has been changed."))
        return redirect(post)
    return render(request, "bulletin/post_form.html", {"form": form, "post": post})


@require_http_methods(["GET", "POST"])
@login_required  # moderation is for a logged-in admin: guests are sent to log in
@board_view
def post_delete(request, pk):
    post = get_post_for(request.user, pk, write=True)
    if request.method == "POST":
        services.post_delete(post=post, by=request.user)
        messages.success(request, _("The message and its replies have been deleted."))
        return redirect("bulletin:post-list")
    return render(request, "bulletin/post_confirm_delete.html", {"post": post, "reply_count": post.replies.count()})


@require_http_methods(["GET", "POST"])
@login_required  # moderation is for a logged-in admin: guests are sent to log in
@board_view
def reply_edit(request, pk):
    reply = get_reply_for(request.user, pk, write=True)
    form = ReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        services.reply_update(reply=reply, content=form.cleaned_data["content"], by=request.user)
        messages.success(request, _("The reply has been changed."))
        return redirect(reply)
    return render(request, "bulletin/reply_form.html", {"form": form, "reply": reply})


@require_POST
@login_required  # moderation is for a logged-in admin: guests are sent to log in
@board_view
def reply_delete(request, pk):
    reply = get_reply_for(request.user, pk, write=True)
    post = reply.post
    services.reply_delete(reply=reply, by=request.user)
    messages.success(request, _("The reply has been deleted."))
    return redirect(post)


# --- Suggestions box --------------------------------------------------------------------------


def _window(request):
    """The time window asked for by ?window= (and the custom form), or None for all."""
    key = request.GET.get("window", "")
    custom = compact_window_form(CustomWindowForm(request.GET if key == "custom" else None))
    if key in selectors.WINDOWS:
        return key, selectors.WINDOWS[key](), custom
    if key == "custom":
        return key, custom.window(), custom
    return "", None, custom


@require_GET
@require(may_send_suggestions)
def suggestion_list(request):
    if not is_management(request.user):
        # 403 (issue 7), but with the way to what a salesperson may do: send, or read their own.
        return render(request, "bulletin/suggestion_list_forbidden.html", status=403)
    key, window, custom = _window(request)
    page_obj = paginate(request, selectors.suggestion_inbox(request.user, window=window))
    return render(
        request,
        "bulletin/suggestion_list.html",
        {"page_obj": page_obj, "window_key": key, "custom_form": custom, "windows": _window_links()},
    )


def _window_links():
    return [
        ("", _("All")),
        ("today", _("Today")),
        ("3days", _("Last 3 days")),
        ("week", _("This week")),
        ("month", _("This month")),
    ]


@require_http_methods(["GET", "POST"])
@require(may_send_suggestions)
def suggestion_create(request):
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent = suggestions_sent(request)
        try:
            services.suggestion_create(
                title=form.cleaned_data["title"], content=form.cleaned_data["content"],
                anonymous=form.anonymous, by=request.user, sent_before=sent,
            )
        except services.Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            if form.anonymous:
                messages.success(request, _("Your anonymous suggestion has been sent to management. Thank you for speaking up."))
            else:
                messages.success(request, _("Your suggestion has been sent to management. Their replies will appear here."))
            # No suggestion id in the redirect: nothing ties an anonymous one to this request.
            response = redirect("bulletin:suggestion-mine")
            remember_suggestions_sent(response, sent + 1)  # the count lives in the sender's browser only
            return response
    return render(request, "bulletin/suggestion_form.html", {"form": form})


@require_GET
@require(may_send_suggestions)
def suggestion_mine(request):
    page_obj = paginate(request, selectors.own_suggestions(request.user))
    return render(request, "bulletin/suggestion_mine.html", {"page_obj": page_obj, "is_management": is_management(request.user)})


def _render_suggestion(request, suggestion, reply_form):
    context = {
        "suggestion": suggestion,
        "replies": selectors.suggestion_replies(suggestion),
        "reply_form": reply_form,
        "can_reply": is_management(request.user),
        "can_delete": may_delete_suggestion(request.user, suggestion),
    }
    return render(request, "bulletin/suggestion_detail.html", context)


@require_GET
@require(may_send_suggestions)
def suggestion_detail(request, pk):
    suggestion = get_suggestion_for(request.user, pk)
    return _render_suggestion(request, suggestion, SuggestionReplyForm())


@require_POST
@require(may_send_suggestions)
def suggestion_reply(request, pk):
    suggestion = get_suggestion_for(request.user, pk, write=True)
    form = SuggestionReplyForm(request.POST)
    if form.is_valid():
        services.suggestion_reply(suggestion=suggestion, content=form.cleaned_data["content"], by=request.user)
        messages.success(request, _("Your reply has been saved."))
        return redirect(suggestion)
    return _render_suggestion(request, suggestion, form)


@require_POST
@require(may_send_suggestions)
def suggestion_delete(request, pk):
    suggestion = get_suggestion_for(request.user, pk, delete=True)
    services.suggestion_delete(suggestion=suggestion, by=request.user)
    messages.success(request, _("The suggestion has been deleted."))
    return redirect("bulletin:suggestion-list")

