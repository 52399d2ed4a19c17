"""Entities from lookup tables alone (Beijing districts, prefecture-level cities).

Rasa's RegexEntityExtractor only uses lookup tables whose name is an annotated entity in the
training data. Places are found by lookup, not learned, so nothing is annotated and the stock
extractor would silently extract nothing; this subclass uses every lookup table.
Chinese has no word boundaries, so none are required.
"""
from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.regex_entity_extractor import RegexEntityExtractor
from rasa.nlu.utils import pattern_utils
from rasa.shared.nlu.training_data.training_data import TrainingData


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True
)
class LookupEntityExtractor(RegexEntityExtractor):
    def train(self, training_data: TrainingData) -> Resource:
        self.patterns = pattern_utils.extract_patterns(
            training_data,
            use_lookup_tables=True,
            use_regexes=False,
            use_only_entities=False,
            use_word_boundaries=False,
        )
        self.persist()
        return self._resource
