"""Use cases. The only code that commits: each public function is one unit of work."""
