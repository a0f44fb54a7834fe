"""``promptlint fix``: rewrite prompts in place, in their own source syntax.

``apply`` plans and applies the fixes of one file (conflicts, validation), ``pyliteral``
rewrites Python string literals, ``textfile`` template and prompt files, ``runner`` drives
check-fix passes over a tree and writes the files atomically.
"""
