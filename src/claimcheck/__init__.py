"""claimcheck: audit the evidence behind written health claims."""

__version__ = "0.1.0"
