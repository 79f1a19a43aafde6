"""See review/services/__init__.py."""
