"""Normalising identities: names, tussenvoegsels, initials, dates, a Dutch phonetic key."""
