"""Keys, pseudonyms, the crosswalk, disclosure control and the export's leak scanner."""

from vhh.linkage.privacy.crosswalk import encrypt_crosswalk, read_crosswalk
from vhh.linkage.privacy.disclosure import k_anonymity, protect
from vhh.linkage.privacy.gate import publish_export
from vhh.linkage.privacy.identifiers import IdentifierCollector, Identifiers
from vhh.linkage.privacy.keys import MasterKey, generate_key_file, load_key
from vhh.linkage.privacy.pseudonyms import pseudonymise
from vhh.linkage.privacy.sealed import read_sealed_frame, seal_frame

__all__ = ["encrypt_crosswalk", "generate_key_file", "IdentifierCollector", "Identifiers",
           "k_anonymity", "load_key", "MasterKey", "protect", "pseudonymise", "publish_export",
           "read_crosswalk", "read_sealed_frame", "seal_frame"]
