"""Ruam (ร่วม): Bangkok's district participation platform."""

__version__ = "0.1.0"
