"""Accounts: users, roles, sessions, second factor, API tokens."""
