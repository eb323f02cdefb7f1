"""Reference data shared by the domains: outside departments and the category catalogue."""
