from __future__ import annotations

import pytest

from plaza.calls.pstn import DialResult, PstnProvider, get_provider


class FakeProvider:
    def dial(self, *, call_id, number, caller_name, ice_servers):
        return DialResult(leg_id=f"{call_id}:{number}", status="ringing")

    def hang_up(self, *, call_id, leg_id):
        return None


def test_no_provider_by_default(settings):
    settings.PLAZA_PSTN_PROVIDER = ""
    assert get_provider() is None


def test_a_configured_provider_is_loaded(settings):
    settings.PLAZA_PSTN_PROVIDER = "plaza.calls.tests.test_pstn.FakeProvider"
    provider = get_provider()
    assert isinstance(provider, PstnProvider)
    assert provider.dial(call_id=1, number="+861012345678", caller_name="A", ice_servers=[]).status == "ringing"


def test_a_class_that_is_not_a_provider_is_refused(settings):
    settings.PLAZA_PSTN_PROVIDER = "plaza.calls.pstn.DialResult"
    with pytest.raises(TypeError):
        get_provider()
