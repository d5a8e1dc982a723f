"""Permissions of the Paramètres module and of the establishment's images."""

import rules

from carnet.core.predicates import is_establishment_admin, is_member_of_establishment

# Paramètres: the administrator only.
rules.add_perm("establishments.manage_settings", is_establishment_admin)
# Logo and stamp images: any signed-in user of the establishment.
rules.add_perm("establishments.view_images", is_member_of_establishment)
