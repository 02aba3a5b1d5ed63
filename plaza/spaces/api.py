"""Spaces and teams API. Routes parse input, check access, call one action or query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from plaza.core import ratelimit
from plaza.core.auth import optional
from plaza.core.errors import Forbidden, Invalid, NotFound
from plaza.core.schemas import errors
from plaza.spaces import actions, queries
from plaza.spaces.access import (
    SpaceAccess,
    access_space,
    access_team_by_id,
    enabled_apps,
    list_knowable_space_ids,
    space_access_for,
    visible_parent,
)
from plaza.spaces.models import Invitation, Membership, Role, Space, Team, TeamMembership
from plaza.spaces.schemas import (
    AuditList,
    InvitationIn,
    InvitationList,
    InvitationOut,
    JoinIn,
    JoinOut,
    JoinRequestList,
    JoinRequestOut,
    MemberImportOut,
    MemberList,
    MemberOut,
    RoleIn,
    SpaceIn,
    SpaceList,
    SpaceOut,
    SpacePatch,
    TeamIn,
    TeamList,
    TeamMemberIn,
    TeamMemberList,
    TeamMemberOut,
    TeamOut,
    TeamPatch,
    TransferIn,
)

router = Router(tags=["spaces"])


# --- shaping ------------------------------------------------------------------------------


def space_out(space: Space, role: str | None, *, parent_visible: bool) -> dict[str, Any]:
    """A space as the API shows it; ``parent_visible`` says whether the caller may know the
    parent (from :func:`~plaza.spaces.access.list_knowable_space_ids`), else it is null."""
    parent = space.parent if parent_visible and space.parent_id else None
    return {
        "id": space.pk,
        "slug": space.slug,
        "name": space.name,
        "description": space.description,
        "visibility": space.visibility,
        "join_policy": space.join_policy,
        "parent": parent.slug if parent is not None else None,
        "parent_id": parent.pk if parent is not None else None,
        "my_role": role,
        "logo_url": space.logo.url if space.logo else None,
        "apps": enabled_apps(space),
    }


def member_out(m: Membership) -> dict[str, Any]:
    return {"user": m.user, "role": m.role, "joined_at": m.created}


def invitation_out(request: HttpRequest, inv: Invitation) -> dict[str, Any]:
    return {
        "id": inv.pk,
        "code": inv.code,
        "url": request.build_absolute_uri(f"/invitations/{inv.code}/"),
        "email": inv.email,
        "role": inv.role,
        "max_uses": inv.max_uses,
        "uses": inv.uses,
        "expires_at": inv.expires_at,
        "created_at": inv.created,
    }


def team_out(team: Team, is_member: bool | None = None) -> dict[str, Any]:
    return {
        "id": team.pk,
        "name": team.name,
        "description": team.description,
        "visibility": team.visibility,
        "is_member": bool(getattr(team, "is_mine", False) if is_member is None else is_member),
    }


# --- spaces -------------------------------------------------------------------------------


@router.post("/spaces", response={201: SpaceOut, **errors(401, 403, 404, 422)})
def create_space(request: HttpRequest, payload: SpaceIn) -> Status:
    parent_acc: SpaceAccess | None = None
    if payload.parent not in (None, ""):
        parent = Space.objects.filter(**({"pk": payload.parent} if isinstance(payload.parent, int) else {"slug": payload.parent})).first()
        if parent is None:
            raise Invalid(_("No such parent space."), field="parent")
        try:
            parent_acc = space_access_for(request.auth, parent)
        except NotFound as exc:
            raise Invalid(_("No such parent space."), field="parent") from exc
    space = actions.do_create_space(
        request.auth,
        name=payload.name,
        slug=payload.slug,
        description=payload.description,
        visibility=payload.visibility,
        join_policy=payload.join_policy,
        parent=parent_acc,
    )
    return Status(201, space_out(space, Role.OWNER, parent_visible=True))


@router.get("/spaces", response={200: SpaceList, **errors(401, 422)})
def my_spaces(request: HttpRequest, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    rows, next_cursor = queries.page_my_memberships(request.auth, cursor=cursor, limit=limit)
    knowable = list_knowable_space_ids(request.auth, [m.space.parent_id for m in rows])
    items = [space_out(m.space, m.role, parent_visible=m.space.parent_id in knowable) for m in rows]
    return {"items": items, "next_cursor": next_cursor}


@router.get("/spaces/directory", auth=optional, response={200: SpaceList, **errors(422)})
def directory(request: HttpRequest, q: str = "", cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    rows, next_cursor = queries.page_directory(request.auth, q=q[:100], cursor=cursor, limit=limit)
    knowable = list_knowable_space_ids(request.auth, [s.parent_id for s in rows])
    return {"items": [space_out(s, None, parent_visible=s.parent_id in knowable) for s in rows], "next_cursor": next_cursor}


@router.get("/spaces/{slug}", auth=optional, response={200: SpaceOut, **errors(404)})
def get_space(request: HttpRequest, slug: str) -> dict[str, Any]:
    acc = access_space(request.auth, slug)
    return space_out(acc.space, acc.role, parent_visible=acc.visible_parent is not None)


@router.patch("/spaces/{slug}", response={200: SpaceOut, **errors(401, 403, 404, 422)})
def update_space(request: HttpRequest, slug: str, payload: SpacePatch) -> dict[str, Any]:
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    space = actions.do_update_space(acc, **payload.dict(exclude_unset=True, exclude_none=True))
    return space_out(space, acc.role, parent_visible=acc.visible_parent is not None)


@router.delete("/spaces/{slug}", response={204: None, **errors(401, 403, 404)})
def delete_space(request: HttpRequest, slug: str) -> Status:
    acc = access_space(request.auth, slug, role=Role.OWNER)
    actions.do_delete_space(acc, confirm=acc.space.slug)
    return Status(204, None)


# --- members ------------------------------------------------------------------------------


@router.get("/spaces/{slug}/members", response={200: MemberList, **errors(401, 403, 404, 422)})
def members(request: HttpRequest, slug: str, cursor: str | None = None, limit: int | None = None, q: str = "") -> dict[str, Any]:
    acc = access_space(request.auth, slug, role=Role.GUEST)
    rows, next_cursor = queries.list_members(acc, cursor=cursor, limit=limit, q=q[:100])
    return {"items": [member_out(m) for m in rows], "next_cursor": next_cursor}


@router.patch("/spaces/{slug}/members/{int:user_id}", response={200: MemberOut, **errors(401, 403, 404, 409, 422)})
def change_role(request: HttpRequest, slug: str, user_id: int, payload: RoleIn) -> dict[str, Any]:
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    membership = queries.get_membership(acc, user_id)
    return member_out(actions.do_change_role(acc, membership, role=payload.role))


@router.delete("/spaces/{slug}/members/{int:user_id}", response={204: None, **errors(401, 403, 404, 409)})
def remove_member(request: HttpRequest, slug: str, user_id: int) -> Status:
    acc = access_space(request.auth, slug, role=Role.GUEST)
    leaving = user_id == request.auth.pk and acc.membership is not None
    if not leaving and not acc.is_admin:
        # Checked before the lookup so that non-admins cannot probe who is a member.
        raise Forbidden()
    membership = acc.membership if leaving else queries.get_membership(acc, user_id)
    actions.do_remove_member(acc, membership)
    return Status(204, None)


@router.post("/spaces/{slug}/transfer", response={204: None, **errors(401, 403, 404, 422)})
def transfer(request: HttpRequest, slug: str, payload: TransferIn) -> Status:
    acc = access_space(request.auth, slug, role=Role.OWNER)
    actions.do_transfer_ownership(acc, queries.get_membership(acc, payload.user_id))
    return Status(204, None)


@router.post("/spaces/{slug}/members/import", response={201: MemberImportOut, **errors(401, 403, 404, 413, 422)})
def import_members(request: HttpRequest, slug: str, file: UploadedFile = File(...)) -> Status:  # noqa: B008
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    if file.size and file.size > 2 * 1024 * 1024:
        from plaza.core.uploads import TooLarge

        raise TooLarge("A member import is at most 2 MB.", field="file")
    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(_("The file must be UTF-8 CSV."), field="file") from exc
    return Status(201, actions.do_import_members(acc, text))


@router.get("/spaces/{slug}/imports/{int:import_id}", response={200: MemberImportOut, **errors(401, 403, 404)})
def get_import(request: HttpRequest, slug: str, import_id: int) -> Any:
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    return queries.get_import(acc, import_id)


# --- invitations and joining --------------------------------------------------------------


@router.post("/spaces/{slug}/invitations", response={201: InvitationOut, **errors(401, 403, 404, 422)})
def create_invitation(request: HttpRequest, slug: str, payload: InvitationIn) -> Status:
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    inv = actions.do_create_invitation(
        acc, email=payload.email, role=payload.role, max_uses=payload.max_uses, expires_at=payload.expires_at
    )
    return Status(201, invitation_out(request, inv))


@router.get("/spaces/{slug}/invitations", response={200: InvitationList, **errors(401, 403, 404, 422)})
def list_invitations(request: HttpRequest, slug: str, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    rows, next_cursor = queries.page_invitations(acc, cursor=cursor, limit=limit)
    return {"items": [invitation_out(request, i) for i in rows], "next_cursor": next_cursor}


@router.delete("/spaces/{slug}/invitations/{int:invitation_id}", response={204: None, **errors(401, 403, 404)})
def revoke_invitation(request: HttpRequest, slug: str, invitation_id: int) -> Status:
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    actions.do_revoke_invitation(acc, queries.get_invitation(acc, invitation_id))
    return Status(204, None)


@router.post("/invitations/{code}/accept", response={200: SpaceOut, **errors(401, 403, 404, 409, 429)})
def accept_invitation(request: HttpRequest, code: str) -> dict[str, Any]:
    ratelimit.hit("invitation-accept", str(request.auth.pk), limit=20, window=60)
    ratelimit.hit("invitation-accept-ip", ratelimit.client_key(request), limit=60, window=60)
    space = actions.do_accept_invitation(request.auth, code)
    role = Membership.objects.filter(space=space, user=request.auth).values_list("role", flat=True).first()
    return space_out(space, role, parent_visible=visible_parent(request.auth, space) is not None)


def _optional_join_body(request: HttpRequest) -> JoinIn:
    """The join body is optional (API.md: no body); an empty request means no message."""
    import json

    import pydantic

    if request.content_type != "application/json" or not request.body.strip():
        return JoinIn()  # no body (or an empty form post)
    try:
        return JoinIn.model_validate(json.loads(request.body))
    except ValueError as exc:  # bad JSON, or pydantic.ValidationError (a ValueError)
        if isinstance(exc, pydantic.ValidationError):
            raise Invalid(exc.errors()[0]["msg"], field=str(exc.errors()[0]["loc"][-1])) from exc
        raise Invalid(_("The body is not valid JSON."), field="body") from exc


@router.post(
    "/spaces/{slug}/join",
    response={200: JoinOut, **errors(401, 403, 404, 422)},
    openapi_extra={"requestBody": {"required": False, "content": {"application/json": {"schema": JoinIn.model_json_schema()}}}},
)
def join(request: HttpRequest, slug: str) -> dict[str, str]:
    payload = _optional_join_body(request)
    acc = access_space(request.auth, slug)
    return {"status": actions.do_join_space(acc, message=payload.message)}


@router.get("/spaces/{slug}/join-requests", response={200: JoinRequestList, **errors(401, 403, 404, 422)})
def join_requests(request: HttpRequest, slug: str, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    rows, next_cursor = queries.list_join_requests(acc, cursor=cursor, limit=limit)
    return {"items": [{"id": r.pk, "user": r.user, "message": r.message, "status": r.status, "created_at": r.created} for r in rows], "next_cursor": next_cursor}


def _decide(request: HttpRequest, slug: str, request_id: int, approve: bool) -> dict[str, Any]:
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    jr = actions.do_decide_join_request(acc, queries.get_join_request(acc, request_id), approve=approve)
    return {"id": jr.pk, "user": jr.user, "message": jr.message, "status": jr.status, "created_at": jr.created}


@router.post("/spaces/{slug}/join-requests/{int:request_id}/approve", response={200: JoinRequestOut, **errors(401, 403, 404, 409)})
def approve_request(request: HttpRequest, slug: str, request_id: int) -> dict[str, Any]:
    return _decide(request, slug, request_id, True)


@router.post("/spaces/{slug}/join-requests/{int:request_id}/reject", response={200: JoinRequestOut, **errors(401, 403, 404, 409)})
def reject_request(request: HttpRequest, slug: str, request_id: int) -> dict[str, Any]:
    return _decide(request, slug, request_id, False)


@router.get("/spaces/{slug}/audit-log", response={200: AuditList, **errors(401, 403, 404, 422)})
def audit_log(request: HttpRequest, slug: str, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    rows, next_cursor = queries.list_audit(acc, cursor=cursor, limit=limit)
    return {
        "items": [
            {"id": e.pk, "actor": e.actor, "action": e.action, "target_type": e.target_type, "target_id": e.target_id,
             "before": e.before, "after": e.after, "created_at": e.created}
            for e in rows
        ],
        "next_cursor": next_cursor,
    }


# --- teams --------------------------------------------------------------------------------


@router.post("/spaces/{slug}/teams", response={201: TeamOut, **errors(401, 403, 404, 422)})
def create_team(request: HttpRequest, slug: str, payload: TeamIn) -> Status:
    acc = access_space(request.auth, slug, role=Role.GUEST)
    team = actions.do_create_team(acc, name=payload.name, description=payload.description, visibility=payload.visibility)
    return Status(201, team_out(team, acc.joined))


@router.get("/spaces/{slug}/teams", response={200: TeamList, **errors(401, 403, 404, 422)})
def list_teams(request: HttpRequest, slug: str, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    acc = access_space(request.auth, slug, role=Role.GUEST)
    rows, next_cursor = queries.page_teams(acc, cursor=cursor, limit=limit)
    return {"items": [team_out(t) for t in rows], "next_cursor": next_cursor}


@router.get("/teams/{int:team_id}", response={200: TeamOut, **errors(401, 404)})
def get_team(request: HttpRequest, team_id: int) -> dict[str, Any]:
    _, team, tm = access_team_by_id(request.auth, team_id)
    return team_out(team, tm is not None)


@router.patch("/teams/{int:team_id}", response={200: TeamOut, **errors(401, 403, 404, 422)})
def update_team(request: HttpRequest, team_id: int, payload: TeamPatch) -> dict[str, Any]:
    acc, team, tm = access_team_by_id(request.auth, team_id, for_write=True)
    team = actions.do_update_team(acc, team, **payload.dict(exclude_unset=True, exclude_none=True))
    return team_out(team, tm is not None)


@router.delete("/teams/{int:team_id}", response={204: None, **errors(401, 403, 404)})
def delete_team(request: HttpRequest, team_id: int) -> Status:
    acc, team, _ = access_team_by_id(request.auth, team_id, for_write=True)
    actions.do_delete_team(acc, team)
    return Status(204, None)


@router.get("/teams/{int:team_id}/members", response={200: TeamMemberList, **errors(401, 404, 422)})
def team_members(request: HttpRequest, team_id: int, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    _, team, _ = access_team_by_id(request.auth, team_id)
    rows, next_cursor = queries.list_team_members(team, cursor=cursor, limit=limit)
    return {"items": [{"user": r.user, "role": r.role} for r in rows], "next_cursor": next_cursor}


@router.post("/teams/{int:team_id}/members", response={201: TeamMemberOut, **errors(401, 403, 404, 422)})
def add_team_member(request: HttpRequest, team_id: int, payload: TeamMemberIn) -> Status:
    acc, team, _ = access_team_by_id(request.auth, team_id, for_write=True)
    tm = actions.do_add_team_member(acc, team, payload.user_id, role=payload.role)
    return Status(201, {"user": tm.user, "role": tm.role})


@router.delete("/teams/{int:team_id}/members/{int:user_id}", response={204: None, **errors(401, 403, 404, 409)})
def remove_team_member(request: HttpRequest, team_id: int, user_id: int) -> Status:
    leaving = user_id == request.auth.pk
    acc, team, own = access_team_by_id(request.auth, team_id, for_write=not leaving)
    tm = own if leaving else TeamMembership.objects.select_related("user").filter(team=team, user_id=user_id).first()
    if tm is None:
        raise NotFound()
    actions.do_remove_team_member(acc, team, tm)
    return Status(204, None)


@router.post("/teams/{int:team_id}/join", response={200: TeamMemberOut, **errors(401, 403, 404)})
def join_team(request: HttpRequest, team_id: int) -> dict[str, Any]:
    acc, team, _ = access_team_by_id(request.auth, team_id)
    tm = actions.do_join_team(acc, team)
    return {"user": tm.user, "role": tm.role}
