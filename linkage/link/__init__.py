"""Linking GCOS subjects to police identities: block, compare, decide, review."""
