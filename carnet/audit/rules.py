"""Permission of the audit trail (« Journal des modifications »)."""

import rules

from carnet.core.predicates import is_establishment_admin, is_head_of_establishment

rules.add_perm("audit.view_events", is_establishment_admin | is_head_of_establishment)
