"""Signing: detached OpenSSF model-signing signatures, made and checked offline with EC keys.

`MODEL.sig` beside `MODEL` is a model-signing bundle (a DSSE envelope over an in-toto statement of
the file's SHA-256), signed with an ECDSA key (P-256, P-384 or P-521). Its public-key hint is the
signer's fingerprint: the SHA-256 of the public key's PEM. model-signing is imported only when a
signature is made or checked, since its import costs a few hundred milliseconds.
"""

from __future__ import annotations

import enum
import hashlib
import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.atomic import write_atomic
from generator.findings import Finding, ZooError, emit

SIGNATURE_SUFFIX = ".sig"
KEYS_DIR = ".keys"
"""The folder, inside a zoo's content folder, of the public keys its signatures are checked with."""
MAX_SIGNATURE_BYTES = 64 * 1024
"""A bundle signed with a key is under 2 KB; a bigger `.sig` is refused before parsing."""


class SignatureState(enum.Enum):
    """What checking a signature found."""

    VERIFIED = "verified"
    UNKNOWN_SIGNER = "unknown-signer"
    INVALID = "invalid"
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class SignatureStatus:
    """A model's signature: where it is, who signed it, and whether it holds.

    Attributes:
        path: The `.sig` file.
        state: What the check found.
        fingerprint: The signer key's fingerprint, as the bundle names it (None when unreadable).
        reason: Why, in one line.
    """

    path: Path
    state: SignatureState
    fingerprint: str | None
    reason: str

    @property
    def verified(self) -> bool:
        """True when the signature was checked against a trusted key and holds."""
        return self.state is SignatureState.VERIFIED


def signature_path(model: Path) -> Path:
    """Where a model's detached signature lives: `MODEL.sig`.

    Args:
        model: The model file.

    Returns:
        The signature's path.
    """
    return model.with_name(model.name + SIGNATURE_SUFFIX)


def key_fingerprint(public_key: Path) -> str:
    """A public key's fingerprint, as model-signing records it in a bundle.

    Args:
        public_key: A PEM public key (or private key: its public half is taken).

    Returns:
        The SHA-256 hex digest of the public key's PEM SubjectPublicKeyInfo.

    Raises:
        ZooError: When the file is not a PEM key.
    """
    from cryptography.hazmat.primitives import serialization

    data = _read_key(public_key)
    try:
        key: Any = serialization.load_pem_public_key(data)
    except ValueError:
        try:
            key = serialization.load_pem_private_key(data, None).public_key()
        except (ValueError, TypeError):
            raise ZooError(f"{public_key}: not a PEM key") from None
    pem = key.public_bytes(serialization.Encoding.PEM,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(pem).hexdigest()


def sign_model(model: Path, private_key: Path, password: str | None = None) -> Path:
    """Sign a model with an EC private key; the signature is written atomically beside it.

    Args:
        model: The model file.
        private_key: A PEM EC private key.
        password: The key's password, if it is encrypted.

    Returns:
        The signature's path, `MODEL.sig`.

    Raises:
        ZooError: When the key or the model cannot be used.
    """
    from model_signing import signing

    target = signature_path(model)
    if not model.is_file():
        raise ZooError(f"{model}: no such model file")
    _read_key(private_key)
    with tempfile.TemporaryDirectory(prefix="zoo-sign-") as folder:
        scratch = Path(folder) / target.name
        try:
            config = signing.Config()  # type: ignore[no-untyped-call]
            config.use_elliptic_key_signer(private_key=private_key, password=password)
            config.sign(model, scratch)
        except (ValueError, TypeError, OSError) as error:
            raise ZooError(f"cannot sign {model} with {private_key}: {error}") from None
        write_atomic(target, scratch.read_bytes())
    return target


def check_signature(model: Path, signature: Path, public_keys: Sequence[Path]) -> SignatureStatus:
    """Check a model's signature against the first of the keys that its bundle names.

    Args:
        model: The model file.
        signature: Its `.sig` file.
        public_keys: The keys to trust (PEM); the bundle's fingerprint picks one of them.

    Returns:
        The status; a bad signature or key is a state with a reason, never an exception.
    """
    bundle = _read_bundle(signature)
    if isinstance(bundle, str):
        return SignatureStatus(signature, SignatureState.UNREADABLE, None, bundle)
    fingerprint = _hint(bundle)
    keys = {_fingerprint_or_none(key): key for key in public_keys}
    key = keys.get(fingerprint)
    if key is None:
        return SignatureStatus(signature, SignatureState.UNKNOWN_SIGNER, fingerprint,
                               f"signed by key {_short(fingerprint)}, which is not a trusted key")
    problem = _verify(model, signature, key)
    if problem:
        return SignatureStatus(signature, SignatureState.INVALID, fingerprint, problem)
    return SignatureStatus(signature, SignatureState.VERIFIED, fingerprint,
                           f"signature verified, signed by key {_short(fingerprint)}")


def trusted_keys(content: Path) -> tuple[Path, ...]:
    """The public keys of a zoo: `*.pub` in its content folder's `.keys/` folder.

    Args:
        content: The zoo's content folder.

    Returns:
        The key files, sorted.
    """
    folder = content / KEYS_DIR
    return tuple(sorted(folder.glob("*.pub"))) if folder.is_dir() else ()


def zoo_signature(model: Path | None, content: Path, shown: Callable[[Path], str]
                  ) -> tuple[SignatureStatus | None, list[Finding]]:
    """Check the signature of a zoo's model, if it has one, against the zoo's keys.

    Args:
        model: The model file, if the folder has one.
        content: The zoo's content folder.
        shown: How findings show a path.

    Returns:
        The status (None when unsigned), and a finding for a signature that does not hold and
        for each `.sig` beside it that signs no model of the folder.
    """
    if model is None:
        return None, []
    path = signature_path(model)
    stray = [emit("ZC351", shown(sig), 1, f"{sig.name} signs no model file of this folder",
                  "remove it, or put back the model it signs")
             for sig in sorted(model.parent.glob(f"*{SIGNATURE_SUFFIX}")) if sig != path]
    if not path.is_file():
        return None, stray
    status = check_signature(model, path, trusted_keys(content))
    return status, [*signature_findings(status, shown(path), explicit_key=False), *stray]


def signature_findings(status: SignatureStatus, shown: str, *, explicit_key: bool) -> list[Finding]:
    """The findings a signature's status gives.

    Args:
        status: The checked signature.
        shown: The signature's path as findings show it.
        explicit_key: Whether the key was given for this check (then another signer is an error).

    Returns:
        No finding when verified; otherwise one.
    """
    hint = "re-sign the model with `zoo sign`, or remove the stale signature"
    if status.state is SignatureState.UNREADABLE:
        return [emit("ZC352", shown, 1, status.reason, hint)]
    if status.state is SignatureState.INVALID:
        return [emit("ZC351", shown, 1, status.reason, hint)]
    if status.state is SignatureState.UNKNOWN_SIGNER and explicit_key:
        return [emit("ZC354", shown, 1, f"signed by key {_short(status.fingerprint)}, not by "
                     "the given public key",
                     "check with the signer's public key")]
    if status.state is SignatureState.UNKNOWN_SIGNER:
        return [emit("ZC353", shown, 1, status.reason,
                     f"add the signer's public key to {KEYS_DIR}/ in the content folder")]
    return []


def _read_key(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_SIGNATURE_BYTES)
    except OSError as error:
        raise ZooError(f"{path}: cannot read the key ({error.strerror})") from None


def _fingerprint_or_none(key: Path) -> str | None:
    try:
        return key_fingerprint(key)
    except ZooError:
        return None


def _read_bundle(signature: Path) -> dict[str, Any] | str:
    try:
        with signature.open("rb") as handle:
            raw = handle.read(MAX_SIGNATURE_BYTES + 1)
    except OSError as error:
        return f"cannot read the signature ({error.strerror})"
    if len(raw) > MAX_SIGNATURE_BYTES:
        return f"the signature is over {MAX_SIGNATURE_BYTES:,} bytes"
    try:
        bundle = json.loads(raw)
    except (ValueError, RecursionError):
        return "the signature is truncated or not a model-signing bundle (not JSON)"
    if not isinstance(bundle, dict) or not isinstance(bundle.get("dsseEnvelope"), dict):
        return "the signature is not a model-signing bundle (no DSSE envelope)"
    return bundle


def _hint(bundle: dict[str, Any]) -> str | None:
    material = bundle.get("verificationMaterial")
    key = material.get("publicKey") if isinstance(material, dict) else None
    hint = key.get("hint") if isinstance(key, dict) else None
    return hint if isinstance(hint, str) else None


def _verify(model: Path, signature: Path, key: Path) -> str | None:
    from cryptography.exceptions import InvalidSignature
    from model_signing import verifying

    try:
        config = verifying.Config()  # type: ignore[no-untyped-call]
        config.use_elliptic_key_verifier(public_key=key).verify(model, signature)
    except InvalidSignature:
        return "the signature does not match its envelope (made with another key, or altered)"
    except ValueError as error:
        text = str(error)
        if "Hash mismatch" in text or "Signature mismatch" in text:
            return "the model's bytes differ from the signed ones (tampered, or signed for "\
                "another file)"
        return f"the signature does not hold ({text.splitlines()[0][:200] if text else 'invalid'})"
    except (KeyError, TypeError, OSError) as error:
        return f"the signature cannot be checked ({type(error).__name__}: {error})"
    return None


def _short(fingerprint: str | None) -> str:
    return fingerprint[:16] if fingerprint else "(none named)"
