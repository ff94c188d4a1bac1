"""tau2-bench retail: replaying its gold actions through our tools, and scoring against it."""
