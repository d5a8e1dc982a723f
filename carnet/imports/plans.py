import hashlib
import json


class PlanChecks:
    """What every import plan (SIECLE, hors SIECLE) says of itself; it has ``changes`` (the
    list shown in the preview) and ``problems``."""

    @property
    def digest(self) -> str:
        """Fingerprint of what the plan changes: a preview is applied only if still exact."""
        return hashlib.sha256(
            json.dumps(self.changes, sort_keys=True, default=str).encode()
        ).hexdigest()

    @property
    def refused(self) -> bool:
        return any(p.level == "error" for p in self.problems)
