"""PII and secret detection for prompts: a cheap pre-screen, presidio offline, precision filters.

``detect.scan`` is the entry point; presidio and spaCy are imported only by ``analyzer`` and only
when the pre-screen finds a PII- or secret-shaped candidate.
"""
