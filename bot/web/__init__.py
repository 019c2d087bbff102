"""The gateway: a FastAPI app serving the chat API, the web widget and the dashboards."""
