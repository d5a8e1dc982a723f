import rules

from carnet.core.predicates import is_teacher_of_establishment

rules.set_perm("sample_module.use", is_teacher_of_establishment)
