"""Content-addressed, encrypted file storage (attachments and evidence files)."""
