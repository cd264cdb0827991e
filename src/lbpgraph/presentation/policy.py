"""The Content Security Policy of lbpgraph's HTML pages: their own inline scripts, allowed by
SHA-256 (so a changed or injected script does not run), inline styles, and nothing from anywhere."""

from __future__ import annotations

import base64
import hashlib


def script_hash(script: str) -> str:
    """A CSP source allowing exactly this inline script: ``'sha256-…'``."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(script.encode('utf-8')).digest()).decode('ascii')}'"


def inline_only(*scripts: str, images: bool = False) -> str:
    """No resource from anywhere; these inline scripts, inline styles and, with ``images``,
    data: images (vis-network's CSS icons)."""
    allowed = " ".join(script_hash(s) for s in scripts)
    return ("default-src 'none'; style-src 'unsafe-inline'; "
            + (f"script-src {allowed}; " if scripts else "")
            + ("img-src data:; " if images else "")
            + "base-uri 'none'; form-action 'none'")
