"""Models: structural gravity."""
