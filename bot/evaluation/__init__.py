"""Measuring the assistant on question sets: headline figures, conversations, the decision calibration."""
