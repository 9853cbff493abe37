"""budget-ie: information extraction from Chinese government budget disclosures."""

__version__ = "0.1.0"
