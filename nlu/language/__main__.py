"""python -m nlu.language: (re)build models/spacy_zh for Rasa when its inputs changed."""

from nlu.language import build, is_current

if not is_current():
    print(f"built {build()}")
