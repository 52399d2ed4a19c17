"""Shared pieces of the staff-facing web areas (/console for lawyers, /admin for policy staff)."""
