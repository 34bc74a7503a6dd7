"""Validation at the edge: each extract parsed, checked with pandera, invalid rows quarantined."""

from vhh.linkage.validate.codes import incident_codes, read_incident_codes
from vhh.linkage.validate.inputs import LoadedInputs, load_inputs, open_inputs, read_inputs
from vhh.linkage.validate.police import PoliceExtract
from vhh.linkage.validate.sources import Validated, validate_source

__all__ = ["incident_codes", "load_inputs", "LoadedInputs", "open_inputs", "PoliceExtract",
           "read_incident_codes", "read_inputs", "validate_source", "Validated"]
