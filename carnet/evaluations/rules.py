"""Permissions of the evaluations and their results.

The scenario's author and co-authors create evaluations and fill their grids — for the pupils
of the divisions they teach (checked per pupil by the services); the establishment's other
teachers, its head and an inspector with a live grant read them; a pupil reads their own
results (a certificative one only once published); the administrator sees none of it.
"""

import rules

from carnet.core.predicates import is_learner_of_establishment, permission_holds

rules.add_perm("evaluations.read", permission_holds("scenarios.read"))
rules.add_perm("evaluations.evaluate", permission_holds("scenarios.edit"))
rules.add_perm("evaluations.read_own", is_learner_of_establishment)
