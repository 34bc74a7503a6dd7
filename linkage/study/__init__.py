"""The study's own steps: scope, filters, observation windows, study variables."""
