"""The classifier's fast probabilities are exactly scikit-learn's predict_proba."""

import numpy as np
import scipy.sparse as sp
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from sklearn.linear_model import LogisticRegression

from nlu.components.intent_classifier import TfidfEmbeddingIntentClassifier


def test_probabilities_match_predict_proba(tmp_path):
    rng = np.random.default_rng(0)
    features = sp.random(120, 300, density=0.05, format="csr", random_state=1)
    labels = rng.choice(["wage_arrears", "dismissal", "work_injury", "greet"], size=120)
    clf = LogisticRegression(C=10, max_iter=3000).fit(features, labels)
    component = TfidfEmbeddingIntentClassifier({}, LocalModelStorage(tmp_path), Resource("c"), clf=clf)
    np.testing.assert_allclose(component._probabilities(features[:7]), clf.predict_proba(features[:7]), rtol=1e-9)
