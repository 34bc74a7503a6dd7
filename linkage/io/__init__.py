"""Reading the extracts and writing files: the only modules that touch the disk."""

from vhh.linkage.io.atomic import atomic_write_bytes
from vhh.linkage.io.digest import file_sha256
from vhh.linkage.io.readers import RawTable, read_source, read_source_chunks
from vhh.linkage.io.writers import SavLabels, write_csv, write_parquet, write_sav

__all__ = ["atomic_write_bytes", "file_sha256", "RawTable", "read_source", "read_source_chunks",
           "SavLabels", "write_csv", "write_parquet", "write_sav"]
