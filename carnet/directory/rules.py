"""Permissions of the directory's lists (divisions, pupils, staff)."""

import rules

from carnet.core.predicates import is_establishment_admin

# The administrator's lists (with « Rattacher » a division to a diploma).
rules.add_perm("directory.view_lists", is_establishment_admin)
# Learners and divisions « hors SIECLE » typed in by hand.
rules.add_perm("directory.manage_outside", is_establishment_admin)
