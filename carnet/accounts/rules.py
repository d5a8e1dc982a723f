"""Permissions of « Gestion des utilisateurs » and « Gestion des accès élèves »."""

import rules

from carnet.core.predicates import is_establishment_admin, is_head_of_establishment

# The administrator only.
rules.add_perm("accounts.manage_users", is_establishment_admin)
rules.add_perm("accounts.manage_pupil_access", is_establishment_admin)
# The head sees every head account of the establishment (its home page).
rules.add_perm("accounts.see_head_accounts", is_head_of_establishment)
