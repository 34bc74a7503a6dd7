"""Keys, pseudonyms, the crosswalk, disclosure control and the export's leak scanner."""
