"""The default configuration and the example incident-code table, installed with the toolkit
(as vhh.config) so that `vhh-link demo` and `vhh-link init` find them in a wheel install too."""
