"""Reading the extracts and writing files: the only modules that touch the disk."""
