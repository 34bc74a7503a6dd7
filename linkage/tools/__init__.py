"""Tools for people inside the secure environment: evaluate, explain, verify."""
