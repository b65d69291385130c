"""Classify voices into a deployment's category taxonomy.

:class:`CategoryClassifier` is a scikit-learn estimator trained on the deployment's own
labelled voices. How it works, and why:

- **Features.** Character 1–3-grams (TF-IDF, sublinear tf, seen in at least ``min_df``
  voices) of the subject and of the body, as two separate blocks so a short subject is not
  drowned by a long body. Characters rather than jieba words: on real message boards the
  words are often mis-segmented names and typos, and with a few hundred labels the rarer
  word features overfit; measured on the TipDM set (``bench/classify_tipdm.py``) word
  features added nothing on top of characters.
- **Prior knowledge.** ``hints`` maps a category to phrases that describe it — typically
  the names of its sub-categories (see :func:`taxonomy_hints`). Each phrase joins the
  training set as a small pseudo-voice of that category, weighted ``hint_weight``. This is
  what lifts the rare categories (on TipDM from 0.843 to 0.867 macro-F1). Hints of a category
  with no labelled voice are ignored: a class nobody has labelled gets no probability.
- **Model.** A linear SVM with balanced class weights, its scores turned into probabilities
  by sigmoid calibration on 3-fold cross-validated scores (``CalibratedClassifierCV`` with
  ``ensemble=False``: the final SVM sees all data, the calibration sees held-out scores).
- **Few labels.** Until every labelled category has ``min_per_class`` voices, or when only
  one category is known, the classifier uses nearest centroids instead: cosine similarity
  to each category's mean voice (hints included), softened and then shrunk towards the
  label frequencies by ``n / (n + 10)`` for ``n`` labelled voices, so a handful of labels
  gives honest, low confidence. On TipDM, with ``k`` random labelled voices per category
  and the rest as test, centroids beat the SVM up to about ``k = 15`` (with hints, macro-F1
  0.80 at k = 1 and 0.79 at k = 10, against the SVM's 0.75 at k = 10; 0.75 against 0.79
  at k = 20), hence the default. One consequence: a correction that names a brand-new
  category sends the whole classifier back to centroids (0.80 instead of 0.87 on the full
  TipDM set) until that category has ``min_per_class`` voices.
- **Corrections.** :meth:`CategoryClassifier.correct` takes staff corrections as
  ``(text, label)`` pairs: each replaces any earlier example with the same text and weighs
  ``correction_weight`` times an ordinary labelled voice; the model is refitted from the
  stored, already normalised voices (about 1 s for 400 voices, 20 s for 15,000: batch
  corrections in a background task).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from massline.engine.text import normalise

Text = str | tuple[str, str]
"""A voice: its text, or a ``(subject, body)`` pair. A plain text serves as both."""

# Fallback confidence: how many labelled voices count as much as the label frequencies.
_PRIOR_STRENGTH = 10.0
# Fallback softness: cosine similarities differ by a few hundredths between categories.
_TEMPERATURE = 0.05


def taxonomy_hints(rows: Iterable[Sequence[str]], ignore: str = "其他") -> dict[str, list[str]]:
    """Hints for :class:`CategoryClassifier` from a taxonomy's paths.

    Parameters
    ----------
    rows
        Category paths, top level first, e.g. ``("城乡建设", "安全生产", "事故处理")``.
    ignore
        A catch-all name ("other") that says nothing about its category; left out.

    Returns
    -------
    dict[str, list[str]]
        For each top-level category, one phrase per path: the lower levels' names joined by
        a space (duplicates and empty phrases dropped).
    """
    hints: dict[str, list[str]] = {}
    for top, *lower in rows:
        phrase = " ".join(name for name in lower if name and name != ignore)
        if top and phrase and phrase not in hints.setdefault(top, []):
            hints[top].append(phrase)
    return hints


def _same_length(texts: Sequence[Text], labels: Sequence[str]) -> Sequence[Text]:
    """``texts``, once it is checked to have one label each."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    return texts


def _split(text: Text, row: int) -> tuple[str, str]:
    """Normalised subject and body of one voice; ``row`` names it in errors.

    A voice without a subject is its own subject, and the other way round.
    """
    if isinstance(text, str):
        clean = normalise(text)
        return clean, clean
    if isinstance(text, tuple) and len(text) == 2 and all(isinstance(t, str) for t in text):
        subject, body = normalise(text[0]), normalise(text[1])
        return subject or body, body or subject
    raise TypeError(
        f"text {row}: expected a string or a (subject, body) pair of strings, "
        f"got {type(text).__name__}"
    )


class CategoryClassifier(ClassifierMixin, BaseEstimator):
    """Predict a voice's category, with calibrated probabilities.

    Parameters
    ----------
    hints
        Category → descriptive phrases (prior knowledge, e.g. from :func:`taxonomy_hints`).
    hint_weight
        Sample weight of each hint phrase, relative to a labelled voice.
    ngram_range
        Character n-gram lengths.
    min_df
        Minimum number of voices a character n-gram must occur in (1 in fallback mode).
    C
        Regularisation of the linear SVM: higher fits the training labels more closely.
    correction_weight
        Sample weight of a staff correction, relative to a labelled voice.
    min_per_class
        Fewest labelled voices every category needs before the SVM is used.
    random_state
        Seed of the calibration folds.

    Attributes
    ----------
    classes_ : ndarray
        The categories that have labelled voices, sorted; probabilities follow this order.
    mode_ : str
        ``"svm"`` or ``"centroid"`` (the few-label fallback).
    examples_ : list[tuple[str, str]]
        The normalised (subject, body) training voices, corrections included.
    labels_ : list[str]
        Their labels.
    weights_ : ndarray
        Their sample weights.
    """

    def __init__(
        self,
        *,
        hints: Mapping[str, Sequence[str]] | None = None,
        hint_weight: float = 1.0,
        ngram_range: tuple[int, int] = (1, 3),
        min_df: int = 2,
        C: float = 1.0,
        correction_weight: float = 3.0,
        min_per_class: int = 15,
        random_state: int = 0,
    ) -> None:
        self.hints = hints
        self.hint_weight = hint_weight
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.C = C
        self.correction_weight = correction_weight
        self.min_per_class = min_per_class
        self.random_state = random_state

    def fit(
        self,
        texts: Sequence[Text],
        labels: Sequence[str],
        sample_weight: Sequence[float] | None = None,
    ) -> CategoryClassifier:
        """Learn the categories from labelled voices.

        Parameters
        ----------
        texts
            Voices: strings or ``(subject, body)`` pairs.
        labels
            One category name per voice.
        sample_weight
            Optional weight per voice (default 1).

        Returns
        -------
        CategoryClassifier
            ``self``, fitted.

        Raises
        ------
        ValueError
            No voices, lengths differ, an empty label or a negative weight (the message
            names the row).
        TypeError
            A voice that is neither a string nor a (subject, body) pair.
        """
        examples = [_split(text, row) for row, text in enumerate(_same_length(texts, labels))]
        return self._fit(examples, labels, sample_weight)

    def correct(self, texts: Sequence[Text], labels: Sequence[str]) -> CategoryClassifier:
        """Take staff corrections and refit.

        Each corrected voice replaces any training voice with the same (normalised) text
        and counts ``correction_weight`` times. A correction may name a new category.

        Parameters
        ----------
        texts
            The corrected voices.
        labels
            Their right categories.

        Returns
        -------
        CategoryClassifier
            ``self``, refitted.
        """
        check_is_fitted(self)
        _same_length(texts, labels)
        corrected = {
            _split(text, row): label
            for row, (text, label) in enumerate(zip(texts, labels, strict=True))
        }
        keep = [i for i, example in enumerate(self.examples_) if example not in corrected]
        return self._fit(
            [self.examples_[i] for i in keep] + list(corrected),
            [self.labels_[i] for i in keep] + list(corrected.values()),
            np.r_[self.weights_[keep], np.full(len(corrected), self.correction_weight)],
        )

    def predict_proba(self, texts: Sequence[Text]) -> np.ndarray:
        """Probability of each category in ``classes_`` for each voice.

        Parameters
        ----------
        texts
            Voices: strings or ``(subject, body)`` pairs.

        Returns
        -------
        ndarray of shape (len(texts), len(classes_))
            Rows sum to 1.
        """
        check_is_fitted(self)
        features = self._features([_split(text, row) for row, text in enumerate(texts)])
        if self.mode_ == "svm":
            return self.model_.predict_proba(features)
        similarity = normalize(features) @ self.centroids_.T
        sharp = np.exp((similarity - similarity.max(axis=1, keepdims=True)) / _TEMPERATURE)
        sharp /= sharp.sum(axis=1, keepdims=True)
        return self.trust_ * sharp + (1 - self.trust_) * self.prior_

    def predict(self, texts: Sequence[Text]) -> np.ndarray:
        """The most probable category of each voice.

        Parameters
        ----------
        texts
            Voices: strings or ``(subject, body)`` pairs.

        Returns
        -------
        ndarray of shape (len(texts),)
        """
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]

    def top_k(self, text: Text, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` most probable categories of one voice, most probable first.

        Parameters
        ----------
        text
            A voice: a string or a ``(subject, body)`` pair.
        k
            How many categories (fewer when fewer are known).

        Returns
        -------
        list of (label, probability)
        """
        probabilities = self.predict_proba([text])[0]
        order = np.argsort(-probabilities, kind="stable")[:k]
        return [(str(self.classes_[i]), float(probabilities[i])) for i in order]

    def _fit(
        self,
        examples: list[tuple[str, str]],
        labels: Sequence[str],
        sample_weight: Sequence[float] | None,
    ) -> CategoryClassifier:
        """Check and fit normalised voices (shared by :meth:`fit` and :meth:`correct`)."""
        if not examples:
            raise ValueError("no labelled voices to learn from")
        if not any(subject for subject, _ in examples):
            raise ValueError("every labelled voice is empty: there is no text to learn from")
        weights = (
            np.ones(len(examples)) if sample_weight is None else np.asarray(sample_weight, float)
        )
        if weights.shape != (len(examples),):
            raise ValueError(f"{len(examples)} texts but {weights.size} sample weights")
        for row, (label, weight) in enumerate(zip(labels, weights, strict=True)):
            if not isinstance(label, str) or not label.strip():
                raise ValueError(f"label {row}: a category name is required, got {label!r}")
            if not weight >= 0:
                raise ValueError(f"sample weight {row}: must be zero or more, got {weight}")
        labels = list(labels)
        self.examples_, self.labels_, self.weights_ = examples, labels, weights
        self.classes_, counts = np.unique(labels, return_counts=True)
        enough = len(self.classes_) > 1 and counts.min() >= self.min_per_class
        self.mode_ = "svm" if enough else "centroid"

        hinted = [
            (normalise(phrase), label)
            for label, phrases in (self.hints or {}).items()
            if label in self.classes_
            for phrase in phrases
        ]
        y = np.array(labels + [label for _, label in hinted])
        w = np.r_[weights, np.full(len(hinted), self.hint_weight)]
        self.vectorizers_ = [
            TfidfVectorizer(
                analyzer="char",
                ngram_range=self.ngram_range,
                min_df=self.min_df if enough else 1,
                sublinear_tf=True,
            )
            for _ in range(2)
        ]
        features = self._features(examples + [(phrase, phrase) for phrase, _ in hinted], fit=True)

        if enough:
            folds = StratifiedKFold(3, shuffle=True, random_state=self.random_state)
            svm = LinearSVC(C=self.C, class_weight="balanced")
            self.model_ = CalibratedClassifierCV(svm, method="sigmoid", cv=folds, ensemble=False)
            self.model_.fit(features, y, sample_weight=w)
            return self

        rows = normalize(features)
        self.centroids_ = normalize(np.array([rows[y == c].T @ w[y == c] for c in self.classes_]))
        self.prior_ = np.array([weights[np.array(labels) == c].sum() for c in self.classes_])
        self.prior_ = self.prior_ / self.prior_.sum() if self.prior_.sum() else counts / len(labels)
        self.trust_ = len(examples) / (len(examples) + _PRIOR_STRENGTH)
        return self

    def _features(self, examples: list[tuple[str, str]], fit: bool = False) -> csr_matrix:
        """The TF-IDF blocks of subject and body, side by side (learning them if ``fit``)."""
        subject, body = self.vectorizers_
        subjects, bodies = [s for s, _ in examples], [b for _, b in examples]
        if fit:
            return hstack([subject.fit_transform(subjects), body.fit_transform(bodies)]).tocsr()
        return hstack([subject.transform(subjects), body.transform(bodies)]).tocsr()
