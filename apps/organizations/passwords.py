"""The platform's Basic credentials: clients send md5(password) as lowercase hex; some send the plain password."""
import hashlib
import re

_MD5_HEX = re.compile(r"^[0-9a-fA-F]{32}$")


def md5_hex(raw: str) -> str:
    return hashlib.md5(raw.encode("utf-8")).hexdigest()  # noqa: S324 (the platform's wire format, not storage)


def candidates(sent: str) -> list[str]:
    """The md5 hex values a sent credential may stand for: itself if it is md5 hex, and md5 of it as plain text."""
    out = []
    if _MD5_HEX.match(sent):
        out.append(sent.lower())
    out.append(md5_hex(sent))
    return out
