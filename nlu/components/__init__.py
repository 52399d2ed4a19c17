"""Custom Rasa graph components for Chinese (imported by Rasa from bot/config.yml)."""
