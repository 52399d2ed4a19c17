"""The custom tokenizer keeps exact offsets and never emits whitespace tokens."""
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.components.jieba_tokenizer import ChineseJiebaTokenizer


@pytest.fixture
def tokenizer(tmp_path):
    config = {**ChineseJiebaTokenizer.get_default_config(), "dictionary_path": "bot/jieba_dict"}
    return ChineseJiebaTokenizer.create(
        config, LocalModelStorage(tmp_path), Resource("tok"), ExecutionContext({}, "test")
    )


@pytest.mark.parametrize(
    "text",
    ["HR 说我 试用期 不合格", "公司 不给 交社保", "app派单 超时 扣钱  KPI", " 开头有空格 ", "纯中文没有空格的句子"],
)
def test_no_whitespace_tokens_and_exact_offsets(tokenizer, text):
    tokens = tokenizer.tokenize(Message(data={TEXT: text}), TEXT)
    assert tokens
    for token in tokens:
        assert token.text.strip() == token.text != ""
        assert text[token.start : token.end] == token.text


def test_user_dictionary_keeps_legal_terms_whole(tokenizer):
    words = [t.text for t in tokenizer.tokenize(Message(data={TEXT: "我想申请劳动仲裁要经济补偿金"}), TEXT)]
    assert "劳动仲裁" in words and "经济补偿金" in words
