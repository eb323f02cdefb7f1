"""The sealing key pair of the portal: the internet zone holds only the public key.

``JINGWU_PORTAL_PUBLIC_KEY`` (both zones) and ``JINGWU_PORTAL_PRIVATE_KEY`` (intranet only),
base64 X25519 keys from ``jingwu portal keygen``. In development a missing key is derived
from the process's secret key, so a demo works without configuration; production needs them.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from jingwu.config import ConfigError, get_settings
from jingwu.portal.sealing import load_private, load_public, private_from_seed
from jingwu.security import keys


def _development_key() -> X25519PrivateKey:
    if get_settings().is_production:
        raise ConfigError(
            "Setting JINGWU_PORTAL_PUBLIC_KEY is missing: production needs the portal keys set."
        )
    return private_from_seed(keys.current().secret_key)


def public_key() -> X25519PublicKey:
    """The key submissions are sealed to."""
    configured = get_settings().portal_public_key
    if configured:
        return load_public(configured)
    private = get_settings().portal_private_key
    return (load_private(private) if private else _development_key()).public_key()


def private_key() -> X25519PrivateKey:
    """The key that opens sealed submissions (the intranet's)."""
    configured = get_settings().portal_private_key
    if configured:
        return load_private(configured)
    if get_settings().zone == "internet":
        raise ConfigError("The internet zone holds no portal private key.")
    return _development_key()
