"""Languages: the catalog, fallback chains, agent skills, detection, translated content."""
