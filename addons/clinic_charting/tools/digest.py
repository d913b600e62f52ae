import hashlib
import json


def content_digest(payload):
    """SHA-256 (hex) of ``payload``, a structure of dicts, lists, strings and numbers, serialized
    canonically (sorted keys, no whitespace) so the same content always gives the same digest."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
