"""Test doubles and fixtures shared by the app-environment tests (a fake Rasa, an in-process app)."""
