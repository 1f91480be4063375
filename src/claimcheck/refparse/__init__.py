"""Printed reference strings to BibTeX entries, as printed: a rule parser for the common styles
and a small trained sequence labeller (CRF) for what the rules cannot read."""
