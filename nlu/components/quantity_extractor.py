"""Deterministic extractor for money, durations, dates, headcount, phone and ID numbers.

Colloquial quantities ("三年半", "8千", "三十多个工友") are better parsed by rules than learned:
the values must be exact for the calculators, and phone/ID numbers must be found reliably so they
can be masked. The parsing itself lives in nlu.zh_parse so actions and the web app share it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.zh_parse import find_entities


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class QuantityEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Adds rule-based quantity entities to every parsed message."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "QuantityEntityExtractor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            found = self.add_extractor_name(find_entities(text))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
