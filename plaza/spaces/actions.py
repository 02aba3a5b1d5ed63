"""Every write about spaces, members, teams, invitations and join requests.

Each ``do_*`` runs in one transaction, validates with ``check_*`` first, and writes its
audit entry. Entry points call these and nothing else to change data.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.accounts.models import User
from plaza.core import audit
from plaza.core.avatars import clean_square_image
from plaza.core.errors import Conflict, Forbidden, Invalid, NotFound
from plaza.core.realtime import access_changed_on_commit, space_group
from plaza.core.tasks import enqueue
from plaza.core.validation import INT32_MAX, check_datetime
from plaza.notifications.actions import notify
from plaza.search import actions as search
from plaza.spaces.access import APPS, SpaceAccess
from plaza.spaces.models import (
    MAX_DEPTH,
    ROLE_RANK,
    Invitation,
    JoinPolicy,
    JoinRequest,
    JoinRequestStatus,
    MemberImport,
    Membership,
    Role,
    Space,
    SpaceBan,
    Team,
    TeamMembership,
    TeamRole,
    TeamVisibility,
    Visibility,
)

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
RESERVED_SLUGS = {"directory", "new", "api", "admin", "static", "media", "ws", "join", "invitations"}
SPACE_FIELDS = ["name", "slug", "description", "visibility", "join_policy", "parent", "logo", "apps_off"]
TEAM_FIELDS = ["name", "description", "visibility"]


# --- checks -------------------------------------------------------------------------------


def check_choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise Invalid(_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}, field=field)
    return value


def check_text(value: str | None, field: str, *, max_len: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Invalid(_("This field is required."), field=field)
    if len(value) > max_len:
        raise Invalid(_("At most %(n)d characters.") % {"n": max_len}, field=field)
    return value


def check_slug(slug: str, *, exclude: Space | None = None) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
        raise Invalid(
            _("A slug has 1 to 64 lowercase letters, digits or hyphens, and is not a reserved word."),
            field="slug",
        )
    taken = Space.objects.filter(slug=slug)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise Invalid(_("This slug is taken."), field="slug")
    return slug


def _check_assignable_role(acc: SpaceAccess, role: str, field: str = "role") -> str:
    check_choice(role, Role, field)
    if role == Role.OWNER and not acc.is_owner and not acc.inherited:
        raise Forbidden(_("Only an owner can make someone an owner."))
    return role


# --- spaces -------------------------------------------------------------------------------


@transaction.atomic
def do_create_space(
    user: User,
    *,
    name: str,
    slug: str,
    description: str = "",
    visibility: str = Visibility.PRIVATE,
    join_policy: str = JoinPolicy.INVITE,
    parent: SpaceAccess | None = None,
) -> Space:
    """Create a space with ``user`` as its owner. ``parent`` must be administered by ``user``."""
    name = check_text(name, "name", max_len=100)
    slug = check_slug(slug)
    description = check_text(description, "description", max_len=2000, required=False)
    check_choice(visibility, Visibility, "visibility")
    check_choice(join_policy, JoinPolicy, "join_policy")
    depth = 1
    if parent is not None:
        if not parent.is_admin:
            raise Forbidden(_("Only admins of the parent space can add sub-spaces."))
        if parent.space.depth >= MAX_DEPTH:
            raise Invalid(_("Sub-spaces nest at most %(n)d deep.") % {"n": MAX_DEPTH}, field="parent")
        depth = parent.space.depth + 1
    space = Space.objects.create(
        name=name,
        slug=slug,
        description=description,
        visibility=visibility,
        join_policy=join_policy,
        parent=parent.space if parent else None,
        depth=depth,
        created_by=user,
    )
    Membership.objects.create(space=space, user=user, role=Role.OWNER)
    audit.record(space=space, actor=user, action="space.create", target=space, after=audit.snapshot(space, SPACE_FIELDS))
    search.index_space(space, new=True)
    return space


def check_apps(apps: Any) -> set[str]:
    """The apps to keep on: a list of ``APPS`` keys, each known."""
    if not isinstance(apps, (list, tuple, set)) or not all(isinstance(a, str) for a in apps):
        raise Invalid(_("A list of apps is expected."), field="apps")
    unknown = [a for a in apps if a not in APPS]
    if unknown:
        raise Invalid(_("Unknown app: %(name)s.") % {"name": unknown[0]}, field="apps")
    return set(apps)


@transaction.atomic
def do_update_space(acc: SpaceAccess, *, logo: UploadedFile | None = None, **changes: Any) -> Space:
    """Change name, slug, description, visibility, join policy, the apps that are on (``apps``:
    the keys of ``spaces.access.APPS`` to keep on) or logo (admins)."""
    if not acc.is_admin:
        raise Forbidden()
    space = acc.space
    before = audit.snapshot(space, SPACE_FIELDS)
    if "name" in changes:
        space.name = check_text(changes["name"], "name", max_len=100)
    if "slug" in changes:
        space.slug = check_slug(changes["slug"], exclude=space)
    if "description" in changes:
        space.description = check_text(changes["description"], "description", max_len=2000, required=False)
    if "visibility" in changes:
        space.visibility = check_choice(changes["visibility"], Visibility, "visibility")
    if "join_policy" in changes:
        space.join_policy = check_choice(changes["join_policy"], JoinPolicy, "join_policy")
    if "apps" in changes:
        on = check_apps(changes["apps"])
        space.apps_off = [app for app in APPS if app not in on]
    if logo is not None:
        image = clean_square_image(logo, field="logo")
        space.logo.save(image.name, image, save=False)  # type: ignore[arg-type]
    space.save()
    after = audit.snapshot(space, SPACE_FIELDS)
    if audit.record_change(space=space, actor=acc.user, action="space.update", target=space, before=before, after=after):
        search.index_space(space)
    return space


@transaction.atomic
def do_delete_space(acc: SpaceAccess, *, confirm: str) -> None:
    """Delete the space and everything in it. Owners only; ``confirm`` must be its slug."""
    if not acc.is_owner:
        raise Forbidden(_("Only an owner can delete the space."))
    if confirm != acc.space.slug:
        raise Invalid(_("Type the space's slug to confirm."), field="confirm")
    audit.record(
        space=acc.space, actor=acc.user, action="space.delete", target=acc.space,
        before=audit.snapshot(acc.space, SPACE_FIELDS),
    )
    everyone = list(Membership.objects.filter(space=acc.space).values_list("user_id", flat=True))
    acc.space.delete()
    access_changed_on_commit(everyone)


# --- members ------------------------------------------------------------------------------


def _webhooks() -> Any:
    # Imported late: spaces sits below every app (webhooks included) in the dependency order.
    from plaza.webhooks import actions

    return actions


def _owner_count(space: Space) -> int:
    return Membership.objects.filter(space=space, role=Role.OWNER).count()


def is_banned(space: Space, user_id: int) -> bool:
    return SpaceBan.objects.filter(space=space, user_id=user_id).exists()


def _check_not_banned(space: Space, user_id: int) -> None:
    if is_banned(space, user_id):
        raise Forbidden(_("You are banned from this space."))


def _add_member(space: Space, user: User, role: str, actor: Any, how: str) -> Membership:
    # A banned person never joins, whichever way in (link, request, invitation, import).
    _check_not_banned(space, user.pk)
    membership = Membership.objects.create(space=space, user=user, role=role)
    audit.record(space=space, actor=actor, action=f"member.{how}", target=user, after={"role": role})
    access_changed_on_commit([user.pk], join=[space_group(space.pk)])
    _webhooks().emit(space, "member.joined", {"user": _webhooks().person(user), "role": role, "how": how})
    return membership


@transaction.atomic
def do_change_role(acc: SpaceAccess, membership: Membership, *, role: str) -> Membership:
    """Admins change roles; only owners touch owners; the last owner stays an owner."""
    if not acc.is_admin:
        raise Forbidden()
    _check_assignable_role(acc, role)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.OWNER and not (acc.is_owner or acc.inherited):
        raise Forbidden(_("Only an owner can change an owner's role."))
    if membership.role == role:
        return membership
    if membership.role == Role.OWNER and _owner_count(acc.space) <= 1:
        raise Conflict(_("The last owner cannot be demoted; transfer ownership first."))
    before = {"role": membership.role}
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(space=acc.space, actor=acc.user, action="member.role", target=membership.user, before=before, after={"role": role})
    access_changed_on_commit([membership.user_id])
    notify(recipients=[membership.user_id], kind="role_changed", actor=acc.user, space=acc.space,
           target_type="space", target_id=acc.space.pk, data={"role": role})
    return membership


@transaction.atomic
def do_remove_member(acc: SpaceAccess, membership: Membership) -> None:
    """Remove someone (admins) or leave (yourself). Their team memberships go with it."""
    leaving = membership.user_id == acc.user.pk
    if not leaving:
        if not acc.is_admin:
            raise Forbidden()
        if membership.role == Role.OWNER and not (acc.is_owner or acc.inherited):
            raise Forbidden(_("Only an owner can remove an owner."))
    if membership.role == Role.OWNER and _owner_count(acc.space) <= 1:
        raise Conflict(_("The last owner cannot leave; transfer ownership or delete the space."))
    TeamMembership.objects.filter(space=acc.space, user_id=membership.user_id).delete()
    audit.record(
        space=acc.space, actor=acc.user, action="member.leave" if leaving else "member.remove",
        target=membership.user, before={"role": membership.role},
    )
    membership.delete()
    access_changed_on_commit([membership.user_id])
    _webhooks().emit(acc.space, "member.left", {"user": _webhooks().person(membership.user), "removed": not leaving})
    if not leaving:
        # No link: once removed, a private space is out of sight; the sentence names it.
        notify(recipients=[membership.user_id], kind="removed_from_space", actor=acc.user, space=acc.space)


@transaction.atomic
def do_transfer_ownership(acc: SpaceAccess, membership: Membership) -> None:
    """Make another member the owner; the current owner stays on as an admin."""
    if not acc.is_owner or acc.membership is None:
        raise Forbidden(_("Only an owner can transfer ownership."))
    if membership.pk == acc.membership.pk:
        raise Invalid(_("Choose someone else."), field="user_id")
    if membership.role == Role.GUEST:
        raise Invalid(_("A guest cannot become the owner; make them a member first."), field="user_id")
    before = {"from": acc.user.pk, "to_role": membership.role}
    Membership.objects.filter(pk=membership.pk).update(role=Role.OWNER)
    Membership.objects.filter(pk=acc.membership.pk).update(role=Role.ADMIN)
    audit.record(space=acc.space, actor=acc.user, action="space.transfer", target=membership.user, before=before, after={"owner": membership.user_id})


# --- invitations and joining --------------------------------------------------------------


@transaction.atomic
def do_create_invitation(
    acc: SpaceAccess,
    *,
    email: str | None = None,
    role: str = Role.MEMBER,
    max_uses: int | None = None,
    expires_at: datetime | None = None,
) -> Invitation:
    """An email invitation (mailed) or, without ``email``, a shareable link (admins)."""
    if not acc.is_admin:
        raise Forbidden()
    role = _check_assignable_role(acc, role)
    if role == Role.OWNER:
        raise Invalid(_("Invite as admin, member or guest; transfer ownership later."), field="role")
    email = (email or "").strip().lower()
    if email:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError as exc:
            raise Invalid(_("Enter a valid email address."), field="email") from exc
        max_uses = 1
    check_datetime(expires_at, field="expires_at")
    if max_uses is not None and not 1 <= max_uses <= INT32_MAX:
        raise Invalid(_("Allow at least one use."), field="max_uses")
    if expires_at is not None and expires_at <= timezone.now():
        raise Invalid(_("The expiry must be in the future."), field="expires_at")
    invitation = Invitation.objects.create(
        space=acc.space,
        code=secrets.token_urlsafe(18),
        email=email,
        role=role,
        max_uses=max_uses,
        expires_at=expires_at,
        created_by=acc.user,
    )
    audit.record(
        space=acc.space, actor=acc.user, action="invitation.create", target=invitation,
        after={"email": email, "role": role, "max_uses": max_uses, "expires_at": expires_at.isoformat() if expires_at else None},
    )
    if email:
        invitee = User.objects.filter(email__iexact=email, is_active=True).first()
        if invitee is not None:
            # Someone with an account is told in Plaza (and by email, per their settings).
            notify(recipients=[invitee], kind="invitation_received", actor=acc.user, space=acc.space,
                   target_type="invitation", target_id=invitation.pk, data={"role": role, "code": invitation.code})
        else:
            enqueue("spaces.send_invitation_email", invitation.pk)
    return invitation


@transaction.atomic
def do_revoke_invitation(acc: SpaceAccess, invitation: Invitation) -> None:
    if not acc.is_admin:
        raise Forbidden()
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(space=acc.space, actor=acc.user, action="invitation.revoke", target=invitation)


def invitation_problem(invitation: Invitation) -> str | None:
    """Why an invitation cannot be used now, or None."""
    if invitation.revoked_at is not None:
        return _("This invitation was withdrawn.")
    if invitation.expires_at is not None and invitation.expires_at <= timezone.now():
        return _("This invitation has expired.")
    if invitation.max_uses is not None and invitation.uses >= invitation.max_uses:
        return _("This invitation has been used up.")
    return None


@transaction.atomic
def do_accept_invitation(user: User, code: str) -> Space:
    """Join the invitation's space with its role. Already a member: nothing changes."""
    invitation = Invitation.objects.select_for_update().select_related("space").filter(code=code).first()
    if invitation is None:
        raise NotFound()
    if Membership.objects.filter(space=invitation.space, user=user).exists():
        return invitation.space
    problem = invitation_problem(invitation)
    if problem:
        raise Conflict(problem)
    if invitation.email and invitation.email.lower() != user.email.lower():
        raise Forbidden(_("This invitation was sent to another email address."))
    Invitation.objects.filter(pk=invitation.pk).update(uses=F("uses") + 1)
    _add_member(invitation.space, user, invitation.role, user, "join_invitation")
    JoinRequest.objects.filter(space=invitation.space, user=user, status=JoinRequestStatus.PENDING).update(
        status=JoinRequestStatus.APPROVED, decided_at=timezone.now()
    )
    return invitation.space


@transaction.atomic
def do_signup_with_invitation(
    *, email: str, password: str, name: str, handle: str | None = None, code: str
) -> tuple[User, str]:
    """Sign up with an invitation code and join its space, in one transaction.

    Used when sign-up is by invitation only (or a code is given anyway): the invitation must
    be usable and, when it was sent to an email address, be for this email.
    """
    from plaza.accounts.actions import do_signup

    invitation = Invitation.objects.select_for_update().filter(code=code).first() if code else None
    if invitation is None or invitation_problem(invitation):
        raise Forbidden(_("Sign-up needs a valid invitation on this server."))
    if invitation.email and invitation.email.lower() != (email or "").strip().lower():
        raise Forbidden(_("This invitation was sent to another email address."))
    user, key = do_signup(email=email, password=password, name=name, handle=handle)
    do_accept_invitation(user, code)
    return user, key


@transaction.atomic
def do_join_space(acc: SpaceAccess, *, message: str = "") -> str:
    """Join an open space at once or ask to join a request space. Returns the status."""
    user = acc.user
    if acc.joined:
        return "joined"
    space = acc.space
    if space.join_policy == JoinPolicy.OPEN:
        try:
            with transaction.atomic():
                _add_member(space, user, Role.MEMBER, user, "join")
        except IntegrityError:
            pass  # a concurrent join of the same person
        return "joined"
    _check_not_banned(space, user.pk)
    if space.join_policy == JoinPolicy.REQUEST:
        message = check_text(message, "message", max_len=500, required=False)
        if not JoinRequest.objects.filter(space=space, user=user, status=JoinRequestStatus.PENDING).exists():
            request = JoinRequest.objects.create(space=space, user=user, message=message)
            audit.record(space=space, actor=user, action="join_request.create", target=request)
            admins = Membership.objects.filter(space=space, role__in=[Role.OWNER, Role.ADMIN]).values_list("user_id", flat=True)
            notify(recipients=list(admins), kind="join_request", actor=user, space=space,
                   target_type="join_requests", target_id=space.pk)
        return "requested"
    raise Forbidden(_("This space is joined by invitation only."))


@transaction.atomic
def do_decide_join_request(acc: SpaceAccess, request: JoinRequest, *, approve: bool) -> JoinRequest:
    if not acc.is_admin:
        raise Forbidden()
    request = JoinRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != JoinRequestStatus.PENDING:
        raise Conflict(_("This request was already decided."))
    request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.REJECTED
    request.decided_by = acc.user
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    if approve and not Membership.objects.filter(space=acc.space, user_id=request.user_id).exists():
        _add_member(acc.space, request.user, Role.MEMBER, acc.user, "join_approved")
    audit.record(space=acc.space, actor=acc.user, action=f"join_request.{request.status}", target=request.user)
    if approve:
        notify(recipients=[request.user_id], kind="join_request_approved", actor=acc.user, space=acc.space,
               target_type="space", target_id=acc.space.pk)
    else:
        notify(recipients=[request.user_id], kind="join_request_rejected", actor=acc.user, space=acc.space)
    return request


# --- bulk import --------------------------------------------------------------------------

MAX_IMPORT_ROWS = 5000


def _import_row(acc: SpaceAccess, email: str, name: str, role: str) -> str:
    """Import one row; returns what happened. Raises Invalid for a bad row."""
    email = (email or "").strip().lower()
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(email)
    except ValidationError as exc:
        raise Invalid(_("Not a valid email address.")) from exc
    role = (role or "member").strip().lower() or "member"
    if role not in (Role.ADMIN, Role.MEMBER, Role.GUEST):
        raise Invalid(_("Role must be admin, member or guest."))
    if role == Role.ADMIN and not acc.is_admin:
        raise Invalid(_("Only admins can import admins."))
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        if Membership.objects.filter(space=acc.space, user=user).exists():
            return "already_member"
        if is_banned(acc.space, user.pk):
            raise Invalid(_("This person is banned from the space."))
        _add_member(acc.space, user, role, acc.user, "import")
        return "added"
    do_create_invitation(acc, email=email, role=role)
    return "invited"


@transaction.atomic
def do_import_members(acc: SpaceAccess, csv_text: str) -> MemberImport:
    """Check an ``email,name,role`` CSV and queue its import; returns the running job.

    The rows are worked through by a background task (:func:`do_process_member_import`),
    whose progress the job records; a file that cannot be read is refused here whole.
    """
    if not acc.is_admin:
        raise Forbidden()
    reader = csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))
    rows = [(row + ["", "", ""])[:3] for row in reader if any(cell.strip() for cell in row)]
    if rows and rows[0] and rows[0][0].strip().lower() == "email":
        rows = rows[1:]
    if not rows:
        raise Invalid(_("The file has no rows."), field="file")
    if len(rows) > MAX_IMPORT_ROWS:
        raise Invalid(_("At most %(n)d rows per import.") % {"n": MAX_IMPORT_ROWS}, field="file")
    job = MemberImport.objects.create(space=acc.space, created_by=acc.user, total=len(rows), rows=rows)
    audit.record(space=acc.space, actor=acc.user, action="member.import", target=job, after={"rows": len(rows)})
    enqueue("spaces.run_member_import", job.pk)
    return job


def do_process_member_import(job_id: int) -> MemberImport | None:
    """Work through a queued import, one transaction per row: a bad row gets its own error
    in the result and stops nothing else. Known people are added; others get an invitation.
    Runs with the rights its admin has now: one who lost them imports nothing.
    """
    from plaza.spaces.access import space_access_for

    job = MemberImport.objects.select_related("space", "created_by").filter(pk=job_id, status="running").first()
    if job is None:
        return None
    try:
        acc = space_access_for(job.created_by, job.space) if job.created_by else None
    except NotFound:
        acc = None
    if acc is None or not acc.is_admin:
        MemberImport.objects.filter(pk=job.pk).update(status="failed")
        return job
    results: list[dict[str, Any]] = list(job.results)
    for number, (email, name, role) in enumerate(job.rows, start=1):
        if number <= job.processed:
            continue  # done before an interruption
        try:
            with transaction.atomic():
                result = _import_row(acc, email, name, role)
            results.append({"row": number, "email": email.strip(), "result": result, "error": ""})
        except (Invalid, Forbidden, IntegrityError) as exc:
            message = exc.message() if isinstance(exc, Invalid | Forbidden) else _("Could not be saved.")
            results.append({"row": number, "email": email.strip(), "result": "error", "error": message})
        if number % 20 == 0 or number == len(job.rows):
            MemberImport.objects.filter(pk=job.pk).update(processed=number, results=results)
    MemberImport.objects.filter(pk=job.pk).update(status="done", processed=len(job.rows), results=results)
    job.refresh_from_db()
    return job


# --- teams --------------------------------------------------------------------------------


@transaction.atomic
def do_create_team(acc: SpaceAccess, *, name: str, description: str = "", visibility: str = TeamVisibility.PUBLIC) -> Team:
    """Members and admins create teams; the creator becomes its admin."""
    if not acc.is_member:
        raise Forbidden(_("Guests cannot create teams."))
    team = Team.objects.create(
        space=acc.space,
        name=check_text(name, "name", max_len=100),
        description=check_text(description, "description", max_len=2000, required=False),
        visibility=check_choice(visibility, TeamVisibility, "visibility"),
        created_by=acc.user,
    )
    if acc.joined:
        TeamMembership.objects.create(space=acc.space, team=team, user=acc.user, role=TeamRole.ADMIN)
    audit.record(space=acc.space, actor=acc.user, action="team.create", target=team, after=audit.snapshot(team, TEAM_FIELDS))
    return team


@transaction.atomic
def do_update_team(acc: SpaceAccess, team: Team, **changes: Any) -> Team:
    before = audit.snapshot(team, TEAM_FIELDS)
    if "name" in changes:
        team.name = check_text(changes["name"], "name", max_len=100)
    if "description" in changes:
        team.description = check_text(changes["description"], "description", max_len=2000, required=False)
    if "visibility" in changes:
        team.visibility = check_choice(changes["visibility"], TeamVisibility, "visibility")
    team.save()
    after = audit.snapshot(team, TEAM_FIELDS)
    audit.record_change(space=acc.space, actor=acc.user, action="team.update", target=team, before=before, after=after)
    if after["visibility"] != before["visibility"]:
        access_changed_on_commit(Membership.objects.filter(space=acc.space).values_list("user_id", flat=True))
    return team


@transaction.atomic
def do_delete_team(acc: SpaceAccess, team: Team) -> None:
    audit.record(space=acc.space, actor=acc.user, action="team.delete", target=team, before=audit.snapshot(team, TEAM_FIELDS))
    members = list(TeamMembership.objects.filter(team=team).values_list("user_id", flat=True))
    team.delete()
    access_changed_on_commit(members)


@transaction.atomic
def do_add_team_member(acc: SpaceAccess, team: Team, user_id: int, *, role: str = TeamRole.MEMBER) -> TeamMembership:
    """Team admins add people of the space (guests too) to the team."""
    check_choice(role, TeamRole, "role")
    membership = Membership.objects.filter(space=acc.space, user_id=user_id).select_related("user").first()
    if membership is None:
        raise Invalid(_("This person is not a member of the space."), field="user_id")
    existing = TeamMembership.objects.filter(team=team, user_id=user_id).first()
    if existing is not None:
        if existing.role != role:
            before = {"role": existing.role}
            existing.role = role
            existing.save(update_fields=["role"])
            audit.record(space=acc.space, actor=acc.user, action="team.member_role", target=membership.user, before=before, after={"team": team.pk, "role": role})
        return existing
    tm = TeamMembership.objects.create(space=acc.space, team=team, user_id=user_id, role=role)
    audit.record(space=acc.space, actor=acc.user, action="team.member_add", target=membership.user, after={"team": team.pk, "role": role})
    access_changed_on_commit([user_id])
    return tm


@transaction.atomic
def do_join_team(acc: SpaceAccess, team: Team) -> TeamMembership:
    """Members join public teams themselves. Already in the team: nothing changes."""
    existing = TeamMembership.objects.filter(space=acc.space, team=team, user=acc.user).select_related("user").first()
    if existing is not None:
        return existing
    if team.visibility != TeamVisibility.PUBLIC or not acc.is_member or not acc.joined:
        raise Forbidden(_("Only members of the space join public teams themselves."))
    tm, created = TeamMembership.objects.get_or_create(space=acc.space, team=team, user=acc.user)
    if created:
        audit.record(space=acc.space, actor=acc.user, action="team.join", target=acc.user, after={"team": team.pk})
        access_changed_on_commit([acc.user.pk])
    return tm


@transaction.atomic
def do_remove_team_member(acc: SpaceAccess, team: Team, tm: TeamMembership) -> None:
    """Team admins remove people; anyone leaves. A team keeps at least one admin."""
    if tm.role == TeamRole.ADMIN and not TeamMembership.objects.filter(team=team, role=TeamRole.ADMIN).exclude(pk=tm.pk).exists() and not acc.is_admin:
        raise Conflict(_("The last team admin cannot leave; name another admin first."))
    audit.record(space=acc.space, actor=acc.user, action="team.member_remove", target=tm.user, after={"team": team.pk})
    tm.delete()
    access_changed_on_commit([tm.user_id])


def role_rank(role: str) -> int:
    return ROLE_RANK[Role(role)]


# --- bans (moderation) --------------------------------------------------------------------


@transaction.atomic
def do_ban_member(acc: SpaceAccess, user_id: int, *, reason: str = "") -> SpaceBan:
    """Ban a person from the space (admins): their membership, if any, ends now and they
    cannot join again until :func:`do_unban_member`. Owners are not banned; admins only by owners."""
    if not acc.is_admin:
        raise Forbidden()
    if user_id == acc.user.pk:
        raise Invalid(_("You cannot ban yourself."), field="user_id")
    reason = check_text(reason, "reason", max_len=500, required=False)
    membership = Membership.objects.select_related("user").filter(space=acc.space, user_id=user_id).first()
    if membership is not None:
        if membership.role == Role.OWNER:
            raise Forbidden(_("An owner cannot be banned."))
        if membership.role == Role.ADMIN and not (acc.is_owner or acc.inherited):
            raise Forbidden(_("Only an owner can ban an admin."))
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise Invalid(_("No such person."), field="user_id")
    ban, created = SpaceBan.objects.get_or_create(space=acc.space, user=user, defaults={"banned_by": acc.user, "reason": reason})
    if membership is not None:
        do_remove_member(acc, membership)
    JoinRequest.objects.filter(space=acc.space, user=user, status=JoinRequestStatus.PENDING).update(
        status=JoinRequestStatus.REJECTED, decided_by=acc.user, decided_at=timezone.now()
    )
    if created:
        audit.record(space=acc.space, actor=acc.user, action="member.ban", target=user, after={"reason": reason})
    return ban


@transaction.atomic
def do_unban_member(acc: SpaceAccess, ban: SpaceBan) -> None:
    """Lift a ban (admins): the person may join again the usual ways."""
    if not acc.is_admin:
        raise Forbidden()
    audit.record(space=acc.space, actor=acc.user, action="member.unban", target=ban.user, before={"reason": ban.reason})
    SpaceBan.objects.filter(pk=ban.pk).delete()
