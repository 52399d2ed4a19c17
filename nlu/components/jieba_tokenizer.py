"""Jieba tokenizer that survives mixed Chinese/English text.

Rasa's JiebaTokenizer keeps whitespace tokens ("HR 说", "app 派单"); later featurizers drop them,
so token and feature counts disagree and training fails with a dimension mismatch
(RasaHQ/rasa#7910). This subclass drops whitespace-only tokens and keeps exact offsets.
"""
from __future__ import annotations

from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True
)
class ChineseJiebaTokenizer(JiebaTokenizer):
    """JiebaTokenizer with a user dictionary and no whitespace tokens."""

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        import jieba

        text = message.get(attribute)
        tokens = [
            Token(word, start)
            for word, start, _end in jieba.tokenize(text)
            if word.strip()
        ]
        return self._apply_token_pattern(tokens)
