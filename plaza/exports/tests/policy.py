"""Objects the authorization matrix (core/tests/test_authz_matrix.py) points the export
routes at, made in each fresh world."""

from __future__ import annotations

from typing import Any

from plaza.spaces.access import space_access_for


def acme_export(f: Any) -> dict[str, Any]:
    """alice's export of acme, written: its admins (alice) have it; bob and gina, who are in
    acme but not admins, and mallory may not know it exists."""
    from plaza.core.tasks import run_pending_tasks
    from plaza.exports.actions import do_request_space_export

    export = do_request_space_export(space_access_for(f.world.alice.user, f.world.acme))
    run_pending_tasks()
    return {"export_id": export.pk}
