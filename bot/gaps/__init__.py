"""FAQ gaps: what the assistant could not answer well, grouped into needs, turned into knowledge entries."""
