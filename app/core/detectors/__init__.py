"""Detectors find private spans in text; they share one small interface (see base.py)."""
