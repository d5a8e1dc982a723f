"""What an import does to the existing accounts of the people it updates: it disables them
(a pupil « sorti », a staff member absent from STS-web or whose function gives no
pedagogical access) and enables them again when they come back; it never enables an account
the administrator disabled. Each step is a change of the preview (section « Comptes »), so
the digest protects it, and is written by carnet.accounts.services.users_activity_set.
"""

from dataclasses import dataclass, field

from carnet.accounts.enums import DisabledReason
from carnet.imports.plans import ACCOUNT, Change

REASONS = {
    DisabledReason.LEFT: "élève sorti de l'établissement",
    DisabledReason.DEPARTED: "absent du fichier STS-web",
    DisabledReason.NO_ACCESS: "fonction sans accès pédagogique (STS-web)",
}
KEPT_DISABLED = "désactivé par l'administrateur : seul l'administrateur le réactive"


@dataclass(frozen=True)
class AccountState:
    pk: int
    is_active: bool
    disabled_reason: str

    @property
    def disabled_by_admin(self) -> bool:
        return not self.is_active and self.disabled_reason == DisabledReason.ADMIN


def account_state(user_id, is_active, disabled_reason) -> AccountState | None:
    return None if user_id is None else AccountState(user_id, is_active, disabled_reason)


@dataclass
class AccountSteps:
    disable: dict[int, DisabledReason] = field(default_factory=dict)
    enable: set[int] = field(default_factory=set)
    changes: list[Change] = field(default_factory=list)

    def stop(
        self, state: AccountState | None, *, who: str, reason: DisabledReason, shown=True
    ) -> bool:
        """The account must not sign in any more. Whether this disables it.

        ``shown=False``: not listed (a step the administrator's confirmation decides, which
        the preview words with the confirmation itself).
        """
        if state is None or not state.is_active:
            return False
        self.disable[state.pk] = reason
        if shown:
            self.changes.append(Change(ACCOUNT, "désactivé", who, (REASONS[reason],)))
        return True

    def resume(self, state: AccountState | None, *, who: str, shown=True) -> bool:
        """The account may sign in again. Whether this enables it (never when the
        administrator disabled it: the preview says it stays disabled)."""
        if state is None or state.is_active:
            return False
        if state.disabled_by_admin:
            if shown:
                self.changes.append(Change(ACCOUNT, "laissé désactivé", who, (KEPT_DISABLED,)))
            return False
        self.enable.add(state.pk)
        if shown:
            self.changes.append(Change(ACCOUNT, "réactivé", who))
        return True

    @property
    def counts(self) -> dict[str, int]:
        return {"disabled": len(self.disable), "enabled": len(self.enable)}
