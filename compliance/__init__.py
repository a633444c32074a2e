"""compliance: checks the procedure behind house-expropriation decisions and major decisions."""
__version__ = "0.1.0"
