"""Rasa SDK custom actions: knowledge-base answers, handoff to lawyers, feedback and calculator forms.

Run with `python -m rasa_sdk --actions actions`; every module below is imported and its actions registered.
"""
