"""The checklist as JSON (cli-contract.md, `compliance-checklist/1`)."""
from __future__ import annotations

import json

from ..checklist import Checklist, as_dict


def render(cl: Checklist) -> str:
    return json.dumps(as_dict(cl), ensure_ascii=False, indent=2)
