"""The knowledge base: schema, loading, validation, import and statistics."""
