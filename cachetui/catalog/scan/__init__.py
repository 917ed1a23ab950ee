"""Walking the sources, and proving cheaply that nothing changed."""
