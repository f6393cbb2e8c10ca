"""Encryption of backups at rest: only the holder of the company's private key can read one.

A backup file is encrypted for one X25519 public key (BACKUP_PUBLIC_KEY), as age does it:
a fresh ephemeral key pair per file, X25519 key agreement with the recipient's key, HKDF-SHA256
to a 256-bit file key, then the plaintext in chunks of CHUNK bytes, each sealed with AES-256-GCM
under a nonce made of the chunk's number and a "last chunk" flag (so a file cut short, reordered
or extended does not decrypt). The header is bound to every chunk as associated data.

    MAGIC | key id (8 bytes) | ephemeral public key (32) | chunk size (4, big-endian)
    chunk 0 ... chunk n   each: AES-GCM(plaintext chunk) + 16-byte tag

Encryption and decryption read and write one chunk at a time: memory stays the same whatever
the size of the file. The server needs only the public key; the private key stays with the
company (docs/operations.md, "Encryption") and is given to `manage.py restore`.
"""

import base64
import hashlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

MAGIC = b"CRM-BACKUP-X25519-AESGCM-1\n"
CHUNK = 1 << 20
MAX_CHUNK = 16 << 20  # a header asking for more is refused: a crafted file cannot make us allocate much
TAG = 16
ALGORITHM = "X25519 + HKDF-SHA256 + AES-256-GCM, 1 MiB chunks"
_HEADER = len(MAGIC) + 8 + 32 + 4
_INFO = b"crm-backup v1 file key"


class CryptoError(Exception):
    """A key cannot be read, or a file cannot be decrypted with it; the message says why, for a person."""


# --- Keys ----------------------------------------------------------------------------------------


def _raw(public: X25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _key_text(text: str) -> bytes:
    """PEM as it is, or the one base64 line between its BEGIN and END lines (fits an env file)."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return text.encode()
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except ValueError as error:
        raise CryptoError(_("The key is neither PEM nor one line of base64.")) from error


@dataclass(frozen=True)
class Recipient:
    """A public key backups are encrypted for."""

    key: X25519PublicKey

    @property
    def key_id(self) -> bytes:
        return hashlib.sha256(_raw(self.key)).digest()[:8]

    @property
    def fingerprint(self) -> str:
        return "sha256:" + self.key_id.hex()

    @classmethod
    def from_text(cls, text: str) -> "Recipient":
        data = _key_text(text)
        try:
            key = (serialization.load_pem_public_key(data) if data.startswith(b"-----BEGIN")
                   else serialization.load_der_public_key(data))
        except ValueError as error:
            raise CryptoError(_("The public key cannot be read: %(error)s") % {"error": error}) from error
        if not isinstance(key, X25519PublicKey):
            raise CryptoError(_("The public key must be an X25519 key (manage.py backup_keygen makes one)."))
        return cls(key)

    def text(self) -> str:
        """One line of base64 (the body of the PEM), as BACKUP_PUBLIC_KEY takes it."""
        der = self.key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        return base64.b64encode(der).decode()


@dataclass(frozen=True)
class Identity:
    """A private key that decrypts backups."""

    key: X25519PrivateKey

    @property
    def recipient(self) -> Recipient:
        return Recipient(self.key.public_key())

    @classmethod
    def generate(cls) -> "Identity":
        return cls(X25519PrivateKey.generate())

    @classmethod
    def from_text(cls, text: str) -> "Identity":
        data = _key_text(text)
        try:
            key = (serialization.load_pem_private_key(data, password=None) if data.startswith(b"-----BEGIN")
                   else serialization.load_der_private_key(data, password=None))
        except (ValueError, TypeError) as error:
            raise CryptoError(_("The private key cannot be read: %(error)s") % {"error": error}) from error
        if not isinstance(key, X25519PrivateKey):
            raise CryptoError(_("The private key must be an X25519 key (manage.py backup_keygen makes one)."))
        return cls(key)

    @classmethod
    def from_file(cls, path: Path | str) -> "Identity":
        try:
            return cls.from_text(Path(path).read_text(encoding="ascii"))
        except (OSError, UnicodeDecodeError) as error:
            raise CryptoError(_("The private key file %(path)s cannot be read: %(error)s") % {
                "path": path, "error": error}) from error

    def pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())


def configured_recipient() -> Recipient | None:
    """The company's backup key from BACKUP_PUBLIC_KEY or BACKUP_PUBLIC_KEY_FILE; None when neither is
    set (backups are then written unencrypted: a demo, never a deployment). A key that is set but
    cannot be read raises CryptoError, so a typo never silently turns encryption off."""
    text = settings.BACKUP_PUBLIC_KEY
    if not text and settings.BACKUP_PUBLIC_KEY_FILE:
        try:
            text = Path(settings.BACKUP_PUBLIC_KEY_FILE).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise CryptoError(_("BACKUP_PUBLIC_KEY_FILE %(path)s cannot be read: %(error)s") % {
                "path": settings.BACKUP_PUBLIC_KEY_FILE, "error": error}) from error
    return Recipient.from_text(text) if text else None


def identity_from_environment() -> Identity | None:
    """The private key from BACKUP_PRIVATE_KEY (the key itself) or BACKUP_PRIVATE_KEY_FILE, if set."""
    if os.environ.get("BACKUP_PRIVATE_KEY", "").strip():
        return Identity.from_text(os.environ["BACKUP_PRIVATE_KEY"])
    if os.environ.get("BACKUP_PRIVATE_KEY_FILE", "").strip():
        return Identity.from_file(os.environ["BACKUP_PRIVATE_KEY_FILE"])
    return None


# --- Streams -------------------------------------------------------------------------------------


def _file_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=_INFO).derive(shared)
    return AESGCM(key)


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _chunks(f, size: int) -> Iterator[tuple[bytes, bool]]:
    """(chunk, is_last) pairs, reading one chunk ahead; an empty input is one empty last chunk."""
    current = f.read(size)
    while True:
        following = f.read(size)
        yield current, not following
        if not following:
            return
        current = following


def encrypt_stream(source, target, recipient: Recipient, *, chunk: int = CHUNK) -> tuple[int, str]:
    """Encrypt everything `source` yields into `target`; return the plaintext's size and SHA-256."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw = _raw(ephemeral.public_key())
    header = MAGIC + recipient.key_id + ephemeral_raw + chunk.to_bytes(4, "big")
    aead = _file_key(ephemeral.exchange(recipient.key), ephemeral_raw, _raw(recipient.key))
    target.write(header)
    digest, size = hashlib.sha256(), 0
    for counter, (data, last) in enumerate(_chunks(source, chunk)):
        digest.update(data)
        size += len(data)
        target.write(aead.encrypt(_nonce(counter, last), data, header))
    return size, digest.hexdigest()


def encrypt_file(source: Path, target: Path, recipient: Recipient) -> tuple[int, str]:
    with open(source, "rb") as src, open(target, "wb") as dst:
        return encrypt_stream(src, dst, recipient)


def read_header(f) -> tuple[bytes, bytes, bytes, int]:
    """(header, key id, ephemeral public key, chunk size) of an encrypted file, or CryptoError."""
    header = f.read(_HEADER)
    if len(header) != _HEADER or not header.startswith(MAGIC):
        raise CryptoError(_("This is not an encrypted backup file."))
    key_id = header[len(MAGIC):len(MAGIC) + 8]
    ephemeral = header[len(MAGIC) + 8:len(MAGIC) + 40]
    chunk = int.from_bytes(header[-4:], "big")
    if not 0 < chunk <= MAX_CHUNK:
        raise CryptoError(_("This encrypted backup file is damaged (chunk size %(n)s).") % {"n": chunk})
    return header, key_id, ephemeral, chunk


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def decrypt_chunks(source, identity: Identity) -> Iterator[bytes]:
    """The plaintext of an encrypted stream, chunk by chunk; CryptoError if the key is not the one
    it was encrypted for, or the file was damaged, cut short or extended."""
    header, key_id, ephemeral, chunk = read_header(source)
    recipient = identity.recipient
    if key_id != recipient.key_id:
        raise CryptoError(_("This backup was encrypted for the key sha256:%(wanted)s, not for the key given "
                            "(%(given)s).") % {"wanted": key_id.hex(), "given": recipient.fingerprint})
    try:
        shared = identity.key.exchange(X25519PublicKey.from_public_bytes(ephemeral))
    except ValueError as error:
        raise CryptoError(_("This encrypted backup file is damaged.")) from error
    aead = _file_key(shared, ephemeral, _raw(recipient.key))
    for counter, (sealed, last) in enumerate(_chunks(source, chunk + TAG)):
        if len(sealed) < TAG or (not last and len(sealed) != chunk + TAG):
            raise CryptoError(_("This encrypted backup file is damaged or cut short."))
        try:
            yield aead.decrypt(_nonce(counter, last), sealed, header)
        except InvalidTag as error:
            raise CryptoError(_("This encrypted backup file is damaged, cut short, or not for this key.")) from error


def decrypt_file(source: Path, target: Path, identity: Identity) -> tuple[int, str]:
    """Decrypt `source` into `target` (created 0600); return the plaintext's size and SHA-256."""
    digest, size = hashlib.sha256(), 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(source, "rb") as src, open(fd, "wb") as dst:
        for data in decrypt_chunks(src, identity):
            digest.update(data)
            size += len(data)
            dst.write(data)
    return size, digest.hexdigest()


class DecryptingReader(io.RawIOBase):
    """A read-only file over the plaintext of an encrypted file (for tarfile's stream mode)."""

    def __init__(self, path: Path, identity: Identity):
        self._file = open(path, "rb")
        self._chunks = decrypt_chunks(self._file, identity)
        self._buffer = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            data = next(self._chunks, None)
            if data is None:
                return 0
            self._buffer = memoryview(data)
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n

    def close(self) -> None:
        self._file.close()
        super().close()
