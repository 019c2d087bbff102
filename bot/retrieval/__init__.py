"""From a citizen's message to the right knowledge entry, or an honest "not sure"."""
