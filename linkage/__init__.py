"""vhh-linkage: privacy-preserving linkage of GCOS case subjects to BVH and HKS police rows.

The public facade. Everything not named here may change without notice.
"""

from vhh.linkage.errors import (
    ConfigError,
    CrosswalkError,
    ExportBlocked,
    InputError,
    KeyMaterialError,
    LinkageError,
    VerificationError,
)
from vhh.linkage.privacy.keys import MasterKey, generate_key_file, load_key
from vhh.linkage.settings import Settings, load_settings
from vhh.linkage.version import __version__

__all__ = [
    "ConfigError",
    "CrosswalkError",
    "ExportBlocked",
    "InputError",
    "KeyMaterialError",
    "LinkageError",
    "MasterKey",
    "Settings",
    "VerificationError",
    "__version__",
    "generate_key_file",
    "load_key",
    "load_settings",
]
