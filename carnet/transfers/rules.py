"""Permissions of the transfers: the administrator asks for, exports and imports records;
the administrator or the head answers a request for one of its pupils' records; the
pedagogy's readers (teachers, head, a granted inspector) read what was received — the
administrator never does (rule 1)."""

import rules

from carnet.core.predicates import (
    is_establishment_admin,
    is_head_of_establishment,
    permission_holds,
)

rules.add_perm("transfers.manage", is_establishment_admin)
rules.add_perm("transfers.answer", is_establishment_admin | is_head_of_establishment)
rules.add_perm("transfers.read_received", permission_holds("scenarios.read"))
