"""vhh-linkage: privacy-preserving linkage of GCOS case subjects to BVH and HKS police rows.

The public facade. Everything not named here may change without notice.
"""

from linkage.config import Settings, load_settings
from linkage.errors import (
    ConfigError,
    CrosswalkError,
    ExportBlocked,
    InputError,
    KeyMaterialError,
    LinkageError,
    VerificationError,
)
from linkage.keys import MasterKey, generate_key_file, load_key

__version__ = "0.1.0"

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
