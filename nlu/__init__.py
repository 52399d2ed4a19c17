"""Chinese NLU helpers shared by the Rasa components, the custom actions and the web app."""
