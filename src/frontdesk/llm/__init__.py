"""Chat models: OpenAI-compatible endpoints and the scripted replay model."""
