"""Pages of spaces, members, teams, invitations and join requests.

Each view parses input, reaches the space through ``access_space``, calls one action or
query and renders the page, or one named partial of the same template for htmx.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.accounts.adapter import INVITATION_SESSION_KEY
from plaza.core import ratelimit
from plaza.core.errors import Conflict, Forbidden, Invalid, NotFound, PlazaError
from plaza.core.pages import page_errors, parse_int, render_page, require_login, space_context
from plaza.spaces import actions, queries
from plaza.spaces.access import APPS, SpaceAccess, access_space, access_team, enabled_apps
from plaza.spaces.forms import (
    AppsForm,
    CreateSpaceForm,
    DeleteSpaceForm,
    ImportForm,
    InvitationForm,
    JoinForm,
    SpaceSettingsForm,
    TeamForm,
    TeamMemberForm,
    TransferForm,
    add_plaza_error,
)
from plaza.spaces.models import Role, TeamRole

MAX_IMPORT_BYTES = 2 * 1024 * 1024

# Audit actions as people read them. Unknown actions show their code.
AUDIT_LABELS = {
    "space.create": gettext_lazy("Created the space"),
    "space.update": gettext_lazy("Changed the settings"),
    "space.delete": gettext_lazy("Deleted the space"),
    "space.transfer": gettext_lazy("Transferred ownership"),
    "member.role": gettext_lazy("Changed a role"),
    "member.remove": gettext_lazy("Removed a member"),
    "member.leave": gettext_lazy("Left the space"),
    "member.join": gettext_lazy("Joined"),
    "member.join_invitation": gettext_lazy("Joined by invitation"),
    "member.join_approved": gettext_lazy("Join request approved"),
    "member.import": gettext_lazy("Imported members"),
    "space.export": gettext_lazy("Exported the space"),
    "invitation.create": gettext_lazy("Created an invitation"),
    "invitation.revoke": gettext_lazy("Revoked an invitation"),
    "join_request.create": gettext_lazy("Asked to join"),
    "join_request.approved": gettext_lazy("Approved a join request"),
    "join_request.rejected": gettext_lazy("Rejected a join request"),
    "team.create": gettext_lazy("Created a team"),
    "team.update": gettext_lazy("Changed a team"),
    "team.delete": gettext_lazy("Deleted a team"),
    "team.join": gettext_lazy("Joined a team"),
    "team.member_add": gettext_lazy("Added to a team"),
    "team.member_role": gettext_lazy("Changed a team role"),
    "team.member_remove": gettext_lazy("Removed from a team"),
}

TARGET_LABELS = {
    "space": gettext_lazy("Space"),
    "user": gettext_lazy("Person"),
    "team": gettext_lazy("Team"),
    "invitation": gettext_lazy("Invitation"),
    "joinrequest": gettext_lazy("Join request"),
    "memberimport": gettext_lazy("Import"),
    "export": gettext_lazy("Export"),
}

IMPORT_RESULT_LABELS = {
    "added": gettext_lazy("Added"),
    "invited": gettext_lazy("Invited by email"),
    "already_member": gettext_lazy("Already a member"),
    "error": gettext_lazy("Error"),
}


# --- plumbing -----------------------------------------------------------------------------


def assignable_roles(acc: SpaceAccess) -> list[tuple[str, str]]:
    """Roles the caller may hand out; owners only by owners (and admins of a parent space)."""
    return [(r.value, r.label) for r in Role if r != Role.OWNER or acc.is_owner or acc.inherited]  # type: ignore[misc]


def person_label(membership: Any) -> str:
    return f"{membership.user.name} (@{membership.user.handle})"


# --- home, directory, creating a space ----------------------------------------------------


@page_errors
def directory(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(queries.list_directory(request.user, q=q), 24).get_page(request.GET.get("page"))
    return render_page(request, "spaces/directory.html", {"q": q, "page": page}, partial="results")


@page_errors
def create_space(request: HttpRequest) -> HttpResponse:
    require_login(request)
    parents = [
        (m.space.slug, m.space.name) for m in queries.list_my_memberships(request.user) if m.role in (Role.OWNER, Role.ADMIN)
    ]
    form = CreateSpaceForm(request.POST or None, parents=parents, initial={"parent": request.GET.get("parent", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            parent = None
            if data["parent"]:
                try:
                    parent = access_space(request.user, data["parent"])
                except NotFound as exc:
                    raise Invalid(_("No such parent space."), field="parent") from exc
            space = actions.do_create_space(
                request.user,
                name=data["name"],
                slug=data["slug"],
                description=data["description"],
                visibility=data["visibility"],
                join_policy=data["join_policy"],
                parent=parent,
            )
        except (Invalid, Forbidden) as exc:
            add_plaza_error(form, exc)
        else:
            messages.success(request, _("The space %(name)s is ready. Invite people to it.") % {"name": space.name})
            return redirect("space_home", space.slug)
    return render(request, "spaces/create.html", {"form": form})


# --- one space ----------------------------------------------------------------------------


@page_errors
def join(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug)
    if request.method != "POST":
        return redirect("space_home", slug)
    require_login(request)
    form = JoinForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    status = actions.do_join_space(acc, message=message)
    if status == "joined":
        messages.success(request, _("Welcome to %(name)s.") % {"name": acc.space.name})
    else:
        messages.success(request, _("Your request to join was sent to the admins of %(name)s.") % {"name": acc.space.name})
    return redirect("space_home", slug)


@page_errors
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug, role=Role.GUEST)
    if acc.membership is None:
        raise NotFound()
    if request.method == "POST":
        try:
            actions.do_remove_member(acc, acc.membership)
        except Conflict as exc:
            messages.error(request, exc.message())
            return redirect("space_home", slug)
        messages.success(request, _("You left %(name)s.") % {"name": acc.space.name})
        return redirect("home")
    return render(request, "spaces/leave.html", space_context(acc, "home"))


# --- members ------------------------------------------------------------------------------


@page_errors
def members(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug, role=Role.GUEST)
    q = request.GET.get("q", "").strip()[:100]
    cursor = request.GET.get("cursor") or None
    rows, next_cursor = queries.list_members(acc, cursor=cursor, q=q)
    context = space_context(acc, "members", rows=rows, next_cursor=next_cursor, q=q, role_choices=assignable_roles(acc))
    return render_page(request, "spaces/members.html", context, partial="rows" if cursor else "results")


@page_errors
def member(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    if request.method != "POST":
        acc = access_space(request.user, slug, role=Role.MEMBER)
        membership = queries.get_membership(acc, user_id)
        return render(
            request, "spaces/member.html", space_context(acc, "members", m=membership, role_choices=assignable_roles(acc))
        )
    acc = access_space(request.user, slug, role=Role.ADMIN)
    membership = queries.get_membership(acc, user_id)
    what = request.POST.get("action")
    error = ""
    try:
        if what == "role":
            membership = actions.do_change_role(acc, membership, role=request.POST.get("role", ""))
            done = _("%(name)s is now %(role)s.") % {"name": membership.user.name, "role": membership.get_role_display()}
        elif what == "remove":
            actions.do_remove_member(acc, membership)
            done = _("%(name)s was removed from the space.") % {"name": membership.user.name}
        else:
            raise Invalid(_("Unknown action."), field="action")
    except (Conflict, Invalid) as exc:
        error = exc.message()
    if request.htmx:
        if what == "remove" and not error:
            return HttpResponse("")
        context = space_context(acc, "members", m=membership, role_choices=assignable_roles(acc), row_error=error)
        return render(request, "spaces/members.html#row", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("space_members", slug)


@page_errors
def transfer(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug, role=Role.OWNER)
    candidates = [(m.user_id, person_label(m)) for m in queries.list_member_choices(acc) if m.role in (Role.ADMIN, Role.MEMBER)]
    form = TransferForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_transfer_ownership(acc, queries.get_membership(acc, form.cleaned_data["user_id"]))
        except Invalid as exc:
            add_plaza_error(form, exc)
        else:
            messages.success(request, _("Ownership was transferred. You are now an admin."))
            return redirect("space_members", slug)
    return render(request, "spaces/transfer.html", space_context(acc, "members", form=form))


@page_errors
def import_members(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug, role=Role.ADMIN)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size and upload.size > MAX_IMPORT_BYTES:
                raise Invalid(_("A member import is at most 2 MB."), field="file")
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise Invalid(_("The file must be a UTF-8 CSV file."), field="file") from exc
            job = actions.do_import_members(acc, text)
        except Invalid as exc:
            add_plaza_error(form, exc)
        else:
            return redirect("space_import_status", slug, job.pk)
    return render(request, "spaces/import.html", space_context(acc, "members", form=form))


@page_errors
def import_status(request: HttpRequest, slug: str, import_id: int) -> HttpResponse:
    acc = access_space(request.user, slug, role=Role.ADMIN)
    job = queries.get_import(acc, import_id)
    results = [{**row, "label": IMPORT_RESULT_LABELS.get(row.get("result"), row.get("result"))} for row in job.results]
    counts = {key: sum(1 for row in job.results if row.get("result") == key) for key in IMPORT_RESULT_LABELS}
    context = space_context(acc, "members", job=job, results=results, counts=counts)
    return render_page(request, "spaces/import_status.html", context, partial="progress")


# --- teams --------------------------------------------------------------------------------


@page_errors
def teams(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug, role=Role.GUEST)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = actions.do_create_team(acc, **form.cleaned_data)
        except Invalid as exc:
            add_plaza_error(form, exc)
        else:
            messages.success(request, _("The team %(name)s was created.") % {"name": team.name})
            return redirect("team", slug, team.pk)
    return render(request, "spaces/teams.html", space_context(acc, "teams", teams=queries.list_teams(acc), form=form))


def _team_post(request: HttpRequest, acc: SpaceAccess, team_id: int) -> HttpResponse:
    """One change to a team: join, leave, add, remove, make admin, edit or delete."""
    what = request.POST.get("action", "")
    slug = acc.space.slug
    back = redirect("team", slug, team_id)
    if what == "join":
        team, _own = access_team(acc, team_id)
        actions.do_join_team(acc, team)
        messages.success(request, _("You joined %(name)s.") % {"name": team.name})
        return back
    if what == "leave":
        team, own = access_team(acc, team_id)
        if own is None:
            raise NotFound()
        actions.do_remove_team_member(acc, team, own)
        messages.success(request, _("You left %(name)s.") % {"name": team.name})
        if team.visibility == "private" and not acc.is_admin:
            return redirect("space_teams", slug)
        return back
    team, _own = access_team(acc, team_id, for_write=True)
    if what == "add":
        form = TeamMemberForm(request.POST, candidates=[(m.user_id, person_label(m)) for m in queries.list_member_choices(acc)])
        if not form.is_valid():
            raise Invalid(_("Choose a person of the space."), field="user_id")
        tm = actions.do_add_team_member(acc, team, form.cleaned_data["user_id"], role=form.cleaned_data["role"])
        messages.success(request, _("%(name)s was added to the team.") % {"name": tm.user.name})
    elif what in ("remove", "make_admin", "make_member"):
        tm = queries.get_team_membership(team, parse_int(request.POST.get("user_id"), "user_id"))
        if what == "remove":
            actions.do_remove_team_member(acc, team, tm)
            messages.success(request, _("%(name)s was removed from the team.") % {"name": tm.user.name})
        else:
            role = TeamRole.ADMIN if what == "make_admin" else TeamRole.MEMBER
            actions.do_add_team_member(acc, team, tm.user_id, role=role)
            messages.success(request, _("%(name)s is now %(role)s.") % {"name": tm.user.name, "role": TeamRole(role).label})
    elif what == "edit":
        form = TeamForm(request.POST)  # type: ignore[assignment]
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise Invalid(errors[0], field=field)
        actions.do_update_team(acc, team, **form.cleaned_data)
        messages.success(request, _("The team was saved."))
    elif what == "delete":
        actions.do_delete_team(acc, team)
        messages.success(request, _("The team %(name)s was deleted.") % {"name": team.name})
        return redirect("space_teams", slug)
    else:
        raise Invalid(_("Unknown action."), field="action")
    return back


@page_errors
def team(request: HttpRequest, slug: str, team_id: int) -> HttpResponse:
    acc = access_space(request.user, slug, role=Role.GUEST)
    if request.method == "POST":
        return _team_post(request, acc, team_id)
    team_obj, own = access_team(acc, team_id)
    cursor = request.GET.get("cursor") or None
    rows, next_cursor = queries.list_team_members(team_obj, cursor=cursor)
    can_manage = acc.is_admin or (own is not None and own.role == TeamRole.ADMIN)
    add_form = edit_form = None
    if can_manage:
        in_team = queries.list_team_member_ids(team_obj)
        candidates = [(m.user_id, person_label(m)) for m in queries.list_member_choices(acc) if m.user_id not in in_team]
        add_form = TeamMemberForm(candidates=candidates, picker_space=acc.space.slug) if candidates else None
        edit_form = TeamForm(
            initial={"name": team_obj.name, "description": team_obj.description, "visibility": team_obj.visibility}
        )
    context = space_context(
        acc,
        "teams",
        team=team_obj,
        own=own,
        rows=rows,
        next_cursor=next_cursor,
        can_manage=can_manage,
        add_form=add_form,
        edit_form=edit_form,
        can_join=own is None and acc.joined and acc.is_member and team_obj.visibility == "public",
    )
    return render_page(request, "spaces/team.html", context, partial="rows" if cursor else None)


# --- invitations and join requests ---------------------------------------------------------


@page_errors
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug, role=Role.ADMIN)
    form = InvitationForm(request.POST if request.POST.get("action") == "create" else None)
    if request.method == "POST" and request.POST.get("action") == "revoke":
        invitation = queries.get_invitation(acc, parse_int(request.POST.get("invitation_id"), "invitation_id"))
        actions.do_revoke_invitation(acc, invitation)
        messages.success(request, _("The invitation was revoked; its link no longer works."))
        return redirect("space_invitations", slug)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        days = data.get("expires_in")
        try:
            invitation = actions.do_create_invitation(
                acc,
                email=data.get("email") or None,
                role=data["role"],
                max_uses=data.get("max_uses"),
                expires_at=timezone.now() + timedelta(days=int(days)) if days else None,
            )
        except (Invalid, Forbidden) as exc:
            add_plaza_error(form, exc)
        else:
            if invitation.email:
                messages.success(request, _("An invitation was emailed to %(email)s.") % {"email": invitation.email})
            else:
                messages.success(request, _("The invite link is ready: copy it from the list below."))
            return redirect("space_invitations", slug)
    rows = [
        {
            "invitation": inv,
            "problem": actions.invitation_problem(inv),
            "url": request.build_absolute_uri(reverse("invitation", args=[inv.code])),
        }
        for inv in queries.list_invitations(acc)[:200]
    ]
    return render(request, "spaces/invitations.html", space_context(acc, "invitations", form=form, rows=rows))


@page_errors
def invitation(request: HttpRequest, code: str) -> HttpResponse:
    if request.method == "POST":
        # Count attempts before looking the code up: guessing codes is what the limit stops.
        require_login(request)
        ratelimit.hit("invitation-accept", str(request.user.pk), limit=20, window=60)
        ratelimit.hit("invitation-accept-ip", ratelimit.client_key(request), limit=60, window=60)
    inv = queries.get_invitation_by_code(code)
    context: dict[str, Any] = {"invitation": inv, "problem": actions.invitation_problem(inv), "code": code}
    if request.method == "POST":
        try:
            space = actions.do_accept_invitation(request.user, code)
        except (Conflict, Forbidden) as exc:
            context["error"] = exc.message()
            return render(request, "spaces/invitation.html", context, status=exc.status)
        request.session.pop(INVITATION_SESSION_KEY, None)
        messages.success(request, _("Welcome to %(name)s.") % {"name": space.name})
        return redirect("space_home", space.slug)
    if request.user.is_authenticated:
        context["is_member"] = any(m.space_id == inv.space_id for m in queries.list_my_memberships(request.user))
        context["wrong_email"] = bool(inv.email) and inv.email.lower() != request.user.email.lower()
    elif context["problem"] is None:
        # allauth's adapter sends the person back here after signing in or up.
        request.session[INVITATION_SESSION_KEY] = code
    context["signup_open"] = settings.SIGNUP != "closed" and not settings.SSO_REQUIRED
    return render(request, "spaces/invitation.html", context)


@page_errors
def join_requests(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug, role=Role.ADMIN)
    if request.method == "POST":
        join_request = queries.get_join_request(acc, parse_int(request.POST.get("request_id"), "request_id"))
        approve = request.POST.get("decision") == "approve"
        error = ""
        try:
            join_request = actions.do_decide_join_request(acc, join_request, approve=approve)
        except Conflict as exc:
            error = exc.message()
        if request.htmx:
            return render(
                request, "spaces/join_requests.html#request_row", space_context(acc, "requests", r=join_request, row_error=error)
            )
        if error:
            messages.error(request, error)
        elif approve:
            messages.success(request, _("%(name)s joined the space.") % {"name": join_request.user.name})
        else:
            messages.success(request, _("The request of %(name)s was rejected.") % {"name": join_request.user.name})
        return redirect("space_requests", slug)
    cursor = request.GET.get("cursor") or None
    rows, next_cursor = queries.list_join_requests(acc, cursor=cursor)
    context = space_context(acc, "requests", rows=rows, next_cursor=next_cursor)
    return render_page(request, "spaces/join_requests.html", context, partial="rows" if cursor else None)


# --- settings, deletion, audit log --------------------------------------------------------


@page_errors
def settings_page(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug, role=Role.ADMIN)
    space = acc.space
    initial = {f: getattr(space, f) for f in ("name", "slug", "description", "visibility", "join_policy")}
    form = SpaceSettingsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        logo = data.pop("logo", None)
        try:
            space = actions.do_update_space(acc, logo=logo, **data)
        except PlazaError as exc:
            if exc.field is None:
                raise
            add_plaza_error(form, exc)
            # The failed action may have changed the object in memory: show the stored one.
            acc = access_space(request.user, slug, role=Role.ADMIN)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect("space_settings", space.slug)
    return render(request, "spaces/settings.html", space_context(acc, "settings", form=form))


@page_errors
def apps_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Turn the space's apps on and off (admins)."""
    acc = access_space(request.user, slug, role=Role.ADMIN)
    choices = [(key, str(label)) for key, label in APPS.items()]
    form = AppsForm(request.POST or None, apps=choices, initial={"apps": enabled_apps(acc.space)})
    if request.method == "POST" and form.is_valid():
        actions.do_update_space(acc, apps=form.cleaned_data["apps"])
        messages.success(request, _("The apps were saved."))
        return redirect("space_apps", acc.space.slug)
    return render(request, "spaces/apps.html", space_context(acc, "apps", form=form))


@page_errors
def delete_space(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug, role=Role.OWNER)
    form = DeleteSpaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_delete_space(acc, confirm=form.cleaned_data["confirm"].strip())
        except Invalid as exc:
            add_plaza_error(form, exc)
        else:
            messages.success(request, _("The space %(name)s was deleted.") % {"name": acc.space.name})
            return redirect("home")
    return render(request, "spaces/delete.html", space_context(acc, "settings", form=form))


@page_errors
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    acc = access_space(request.user, slug, role=Role.ADMIN)
    cursor = request.GET.get("cursor") or None
    rows, next_cursor = queries.list_audit(acc, cursor=cursor, limit=50)
    entries = [
        {
            "entry": e,
            "label": AUDIT_LABELS.get(e.action, e.action),
            "target": TARGET_LABELS.get(e.target_type, e.target_type),
        }
        for e in rows
    ]
    context = space_context(acc, "audit", entries=entries, next_cursor=next_cursor)
    return render_page(request, "spaces/audit.html", context, partial="rows" if cursor else None)
