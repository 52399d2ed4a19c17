"""The classifier's fast probabilities are exactly scikit-learn's on the stacked training-style features."""

import numpy as np
import scipy.sparse as sp
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.linear_model import LogisticRegression

from nlu.components.intent_classifier import TfidfEmbeddingIntentClassifier

INTENTS = ["wage_arrears", "dismissal", "work_injury", "greet"]


def message(rng, intent=None):
    m = Message({TEXT: "一条消息", **({INTENT: intent} if intent else {})})
    for alias, width in (("chars", 300), ("words", 80)):
        counts = sp.random(
            1, width, density=0.08, format="coo", random_state=rng, data_rvs=lambda n: rng.integers(1, 4, n)
        )
        m.add_features(Features(counts, "sentence", TEXT, alias))
    m.add_features(Features(rng.normal(size=(1, 16)), "sentence", TEXT, "use"))
    return m


def test_probabilities_match_predict_proba(tmp_path):
    rng = np.random.default_rng(0)
    features = sp.random(120, 300, density=0.05, format="csr", random_state=1)
    labels = rng.choice(INTENTS, size=120)
    clf = LogisticRegression(C=10, max_iter=3000).fit(features, labels)
    component = TfidfEmbeddingIntentClassifier({}, LocalModelStorage(tmp_path), Resource("c"), clf=clf)
    np.testing.assert_allclose(component._probabilities([features[:7]]), clf.predict_proba(features[:7]), rtol=1e-9)


def test_a_classified_message_gets_what_the_trained_model_predicts(tmp_path):
    rng = np.random.default_rng(3)
    config = {"sparse_featurizers": ["chars", "words"], "dense_featurizers": ["use"], "dense_weight": 2.0}
    component = TfidfEmbeddingIntentClassifier(config, LocalModelStorage(tmp_path), Resource("c"))
    component.train(TrainingData([message(rng, INTENTS[i % 4]) for i in range(80)]))
    new = [message(rng) for _ in range(9)]
    expected = component.clf.predict_proba(
        sp.hstack(
            [
                *(t.transform(c) for t, c in zip(component.tfidfs, component._counts(new))),
                *(sp.csr_matrix(d) for d in component._dense(new)),
            ]
        ).tocsr()
    )
    component.process(new)
    for m, probabilities in zip(new, expected):
        ranking = {r["name"]: r["confidence"] for r in m.get(INTENT_RANKING_KEY)}
        assert m.get(INTENT)["name"] == component.clf.classes_[probabilities.argmax()]
        np.testing.assert_allclose([ranking[c] for c in component.clf.classes_], probabilities, rtol=1e-9)
