"""The job runner: periodic jobs claimed in the database, safe with any number of workers."""
