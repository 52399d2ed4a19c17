"""Rasa components of the project. Importing this package (Rasa does, for any of them in bot/config.yml,
before it loads a model) registers the project's spaCy parts, which SpacyNLP needs to load models/spacy_zh."""

import nlu.language.components  # noqa: F401
