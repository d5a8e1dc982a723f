"""SIECLE/STS-web import: plan (plan.py, by what it plans: divisions, pupils, staff), then
apply (apply.py)."""

from carnet.imports.siecle.apply import siecle_apply
from carnet.imports.siecle.base import Plan
from carnet.imports.siecle.plan import siecle_plan

__all__ = ["Plan", "siecle_apply", "siecle_plan"]
