"""Online legal consultation (issue 12 §5): a citizen's live session with a station expert."""
