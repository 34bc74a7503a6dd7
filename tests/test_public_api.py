"""The public facades: every name a package promises in __all__ exists and is importable."""

from __future__ import annotations

import importlib

import pytest

FACADES = ("vhh.linkage", "vhh.schemas", "vhh.pipelines", "vhh.linkage.synth",
           *(f"vhh.linkage.{room}" for room in ("io", "normalise", "validate", "link", "study",
                                                "privacy", "report", "analysis", "tools")))


@pytest.mark.parametrize("package", FACADES)
def test_every_public_name_exists(package):
    module = importlib.import_module(package)
    assert module.__all__, f"{package} names nothing public"
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []


def test_the_facade_exposes_the_error_family_and_no_internals():
    import vhh.linkage as linkage

    assert {"LinkageError", "ConfigError", "InputError", "KeyMaterialError", "ExportBlocked",
            "CrosswalkError", "VerificationError"} <= set(linkage.__all__)
    assert all(issubclass(getattr(linkage, n), linkage.LinkageError)
               for n in linkage.__all__ if n.endswith(("Error", "Blocked")) and n != "LinkageError")
    assert not any(name.startswith("_") and name != "__version__" for name in linkage.__all__)


def test_a_key_folder_is_refused_with_a_key_error(tmp_path):
    from vhh.linkage.errors import KeyMaterialError
    from vhh.linkage.privacy.keys import load_key

    folder = tmp_path / "k.key"
    folder.mkdir(mode=0o700)
    with pytest.raises(KeyMaterialError, match="cannot read"):
        load_key(folder)
