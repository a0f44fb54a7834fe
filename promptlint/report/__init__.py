"""Output formats. Each module turns records into text; none of them computes findings."""
