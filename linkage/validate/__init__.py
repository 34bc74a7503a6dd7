"""Validation at the edge: each extract parsed, checked with pandera, invalid rows quarantined."""
