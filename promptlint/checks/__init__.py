"""Checks: the rule-type evaluators and the Python checks that rule packs point to."""
