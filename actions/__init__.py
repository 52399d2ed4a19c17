"""Rasa SDK custom actions: say what the app decided, and run the forms (handoff, feedback, calculators).

Run with `python -m rasa_sdk --actions actions`; every module below is imported and its actions registered.
"""
