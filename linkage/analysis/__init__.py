"""The analysis of chapter 7.1 of the reference study, on the analysis file."""
