"""Internal: chat models (OpenAI-compatible endpoints, the bundled local model, the scripted model).
Apps test with ``frontdesk.testing``; the model is chosen by ``Settings``.
"""
