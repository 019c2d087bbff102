"""Escalations: questions passed to the community tech team of the citizen's commune, and their follow-up."""
