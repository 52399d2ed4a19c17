"""Plugins the Rasa server loads (Rasa environment, Python 3.10): the input channel the web app talks to."""
