from carnet.dashboards.services.bilans import (
    bilan_create,
    bilan_unlock,
    bilan_update,
    bilan_validate,
)

__all__ = ["bilan_create", "bilan_unlock", "bilan_update", "bilan_validate"]
