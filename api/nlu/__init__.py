"""Client for the Rasa server: NLU parsing and dialogue turns."""
