"""Second-factor checks for the API, through django-allauth's MFA authenticators."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import is_mfa_enabled


def wants_second_factor(user: Any) -> bool:
    return is_mfa_enabled(user)


def verify_second_factor(user: Any, code: str) -> bool:
    """True when ``code`` is a current TOTP code or an unused recovery code (then spent)."""
    code = code.strip().replace(" ", "")
    for authenticator in Authenticator.objects.filter(user=user):
        if authenticator.type == Authenticator.Type.TOTP and TOTP(authenticator).validate_code(code):
            return True
        if authenticator.type == Authenticator.Type.RECOVERY_CODES and RecoveryCodes(authenticator).validate_code(code):
            return True
    return False
