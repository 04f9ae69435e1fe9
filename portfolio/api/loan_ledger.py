"""API routes for this area."""
