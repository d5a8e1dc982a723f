"""Permissions of the imports (SIECLE/STS files, learners outside SIECLE)."""

import rules

from carnet.core.predicates import is_establishment_admin

rules.add_perm("imports.manage", is_establishment_admin)
