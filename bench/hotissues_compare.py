#!/usr/bin/env python3
"""Hot issues side by side: massline's ``find_hot_issues``, BERTopic and the usual tools (issue 3).

    .venv/bin/python bench/hotissues_compare.py [--n 20000] [--seed 0] [--umap-seed S]
                                                [--min-people N] [--real-window 365]
                                                [--eps 0.5] [--methods METHOD ...]

Runs, on the same corpora, from raw text to ranked groups:

(a) ``massline.engine.hotissues.find_hot_issues`` (its defaults, or ``--min-people``; a
    30-day window on the synthetic year, 365 days on the real sample, which spreads its
    messages over nine years);
(b) BERTopic as people use it when no pretrained Chinese embedding can be downloaded:
    massline's own segmentation (``massline.engine.text.tokens``, rjieba + domain
    dictionary, done once and shared by both vectorizers), a TF-IDF → TruncatedSVD(100)
    embedding, BERTopic's default UMAP and HDBSCAN, a ``CountVectorizer`` over the same
    words for its c-TF-IDF topic words; topics ranked by size, the -1 outliers left out;
(c)–(f) the usual tools, on the same words, each group ranked by its size: LDA (50 topics,
    each voice in its likeliest), TF-IDF + DBSCAN and TF-IDF + average-linkage agglomerative
    clustering (cosine distance ``--eps``, 0.5 their best of 0.3/0.5/0.7; groups of 3 voices
    or more; agglomerative holds all pairs, so it is left out above 20,000 voices), and
    SimHash near-duplicates (Hamming distance ≤ 3 of 64 bits, 3 voices or more).

Each method runs in a fresh process, first once on 1,000 voices (imports, dictionaries,
numba's compilation: the cost a running server pays once, shown as "setup"), then timed
end to end on the whole corpus; "peak MB" is the peak resident memory of that process and
the helper processes it starts (HDBSCAN's joblib workers), sampled every 0.1 s.

Corpora:

- synthetic: ``generate_voices(n, seed)`` (text = subject + "。" + body, person = phone),
  whose planted hot issues carry a ground-truth label. A group *finds* a label when more
  than half of its voices carry that label and it holds at least half of that label's
  voices. Recall@k: share of the labels found by one of the top k groups. Precision@k:
  share of the top k groups in which more than half the voices carry one label; dup@k:
  how many of those repeat the label of a group ranked above them (one issue split).
- real: ``../shared/data/tipdm2020/messages_with_replies.xlsx`` (2,816 messages of a
  provincial message board, read at run time; no text of it is in the repository),
  scored with ``bench/hotissues_truth.py`` (12 hand-made major issues of 3+ people, 34
  minor ones of 2; its precision counts both, its recall the major ones) when that file is
  there; without it the real corpus is timed and shown, not scored.

Prints a table (seconds, CPU seconds of all threads, setup, peak memory, precision and
recall, BERTopic's time and CPU time over massline's), the rank at which each method finds
each planted issue, and the titles or topic words of each method's top 10 groups on each
corpus, each marked with the true issue it stands for, if any: themes or issues?
BERTopic's UMAP is not seeded by default (its default, and parallel), so its figures move
a little between runs; ``--umap-seed`` makes them repeatable (and UMAP single-threaded).

BERTopic needs sentence-transformers (and so torch) by its metadata but not to run with a
scikit-learn embedding, so it is installed without its dependencies, then those it uses:

    .venv/bin/pip install hdbscan umap-learn pandas plotly llvmlite pyyaml
    .venv/bin/pip install --no-deps bertopic

(tested with bertopic 0.17.4, umap-learn 0.5.12, hdbscan 0.8.44, numba 0.68.1). Without
BERTopic or the real data the bench says so and skips that part — except under CI=true,
where it fails.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from multiprocessing import get_context
from multiprocessing.queues import Queue
from pathlib import Path
from queue import Empty

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "tipdm2020" / "messages_with_replies.xlsx"
WINDOW = timedelta(days=30)
WARM_UP = 1000  # voices run once, untimed, before the timed run
SHOWN = 10  # groups whose titles are printed

INSTALL = (
    ".venv/bin/pip install hdbscan umap-learn pandas plotly llvmlite pyyaml && "
    ".venv/bin/pip install --no-deps bertopic"
)


@dataclass
class Corpus:
    """Voices as both methods read them, and the planted labels where known."""

    name: str
    ids: list[str]
    texts: list[str]
    at: list[datetime]
    people: list[str]
    likes: list[int]
    dislikes: list[int]
    labels: dict[str, str] = field(default_factory=dict)  #: id → hot-issue label

    def head(self, n: int) -> Corpus:
        """The first ``n`` voices (for the warm-up)."""
        cut = {k: getattr(self, k)[:n] for k in ("ids", "texts", "at", "people")}
        return Corpus(self.name, **cut, likes=self.likes[:n], dislikes=self.dislikes[:n])


@dataclass
class Options:
    """What the command line may change."""

    umap_seed: int | None = None  #: BERTopic's UMAP seed (none by default, as BERTopic)
    min_people: int | None = None  #: massline's ``min_people`` (its default if None)
    real_window: int = 365  #: massline's window on the real corpus, in days
    eps: float = 0.5  #: DBSCAN's and agglomerative's cosine-distance cut


@dataclass
class Groups:
    """Ranked groups of voice ids, hottest or biggest first, with a title each."""

    ids: list[list[str]]
    titles: list[str]


@dataclass
class Run:
    """One method on one corpus."""

    method: str
    corpus: str
    seconds: float
    cpu: float  #: CPU seconds, all threads: a figure that load from elsewhere changes less
    setup: float
    peak_mb: float  #: the process that ran it, with its helper processes
    groups: Groups


# ---- corpora -----------------------------------------------------------------------


def synthetic_corpus(n: int, seed: int) -> Corpus:
    """``n`` voices of the demo city, with their planted hot-issue labels."""
    from massline.synthetic.voices import generate_voices

    voices = list(generate_voices(n, seed=seed))
    return Corpus(
        name="synthetic",
        ids=[v.external_id for v in voices],
        texts=[f"{v.subject}。{v.body}" for v in voices],
        at=[v.received_at for v in voices],
        people=[v.phone for v in voices],
        likes=[v.likes for v in voices],
        dislikes=[v.dislikes for v in voices],
        labels={v.external_id: v.hot_issue for v in voices if v.hot_issue},
    )


def message_id(value: object) -> str:
    """A 留言编号 as text: calamine reads 2549 as 2549.0."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def message_time(value: object) -> datetime:
    """A 留言时间: a real datetime, or a string like ``2019/4/25 9:32:09``."""
    if isinstance(value, datetime):
        return value
    return datetime.strptime(str(value).strip(), "%Y/%m/%d %H:%M:%S")


def real_corpus(path: Path) -> Corpus:
    """The message board's messages (subject + "。" + body, person = 留言用户)."""
    from python_calamine import CalamineWorkbook

    header, *rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    at = {name: header.index(name) for name in ("留言编号", "留言用户", "留言主题", "留言时间")}
    body = header.index("留言详情")
    return Corpus(
        name="real",
        ids=[message_id(row[at["留言编号"]]) for row in rows],
        texts=[f"{row[at['留言主题']]}。{row[body]}" for row in rows],
        at=[message_time(row[at["留言时间"]]) for row in rows],
        people=[str(row[at["留言用户"]]) for row in rows],
        likes=[0] * len(rows),
        dislikes=[0] * len(rows),
    )


# ---- the two methods ---------------------------------------------------------------


def massline_groups(corpus: Corpus, options: Options) -> Groups:
    """(a) massline: voices → ranked hot issues."""
    from massline.engine.hotissues import VoiceRecord, find_hot_issues

    records = [
        VoiceRecord(i, text, at, person, likes, dislikes)
        for i, text, at, person, likes, dislikes in zip(
            corpus.ids,
            corpus.texts,
            corpus.at,
            corpus.people,
            corpus.likes,
            corpus.dislikes,
            strict=True,
        )
    ]
    extra = {} if options.min_people is None else {"min_people": options.min_people}
    # A city's year: a month's gap ends an issue. The real sample spreads 2,816 messages
    # over nine years: a year's.
    window = WINDOW if corpus.labels else timedelta(days=options.real_window)
    issues = find_hot_issues(records, window=window, **extra)
    return Groups(
        ids=[[str(i) for i in issue.voice_ids] for issue in issues],
        titles=[f"{issue.title} ({issue.people} people, heat {issue.heat})" for issue in issues],
    )


def bertopic_groups(corpus: Corpus, options: Options) -> Groups:
    """(b) BERTopic, TF-IDF + SVD embedding: voices → topics by size, outliers left out."""
    from bertopic import BERTopic
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from umap import UMAP

    from massline.engine.text import tokens

    words = [" ".join(tokens(text)) for text in corpus.texts]  # segmented once, for both
    embedding = make_pipeline(TfidfVectorizer(analyzer=str.split), TruncatedSVD(100))
    seeded = {}
    if options.umap_seed is not None:  # BERTopic's default UMAP, seeded
        seeded["umap_model"] = UMAP(
            n_neighbors=15,
            n_components=5,
            min_dist=0.0,
            metric="cosine",
            random_state=options.umap_seed,
        )
    model = BERTopic(
        embedding_model=embedding, vectorizer_model=CountVectorizer(analyzer=str.split), **seeded
    )
    topics, _ = model.fit_transform(words)
    members: dict[int, list[str]] = {}
    for voice_id, topic in zip(corpus.ids, topics, strict=True):
        members.setdefault(int(topic), []).append(voice_id)
    ranked = sorted((t for t in members if t != -1), key=lambda t: -len(members[t]))
    return Groups(
        ids=[members[t] for t in ranked],
        titles=[
            "_".join(word for word, _ in model.get_topic(t)[:5]) + f" ({len(members[t])} voices)"
            for t in ranked
        ],
    )


# ---- the usual tools (issue 3: themes, split issues, near-duplicates) --------------


def _by_size(corpus: Corpus, assigned: Sequence[int], words: Callable[[list[int]], str]) -> Groups:
    """Groups of voices by assigned label (-1: none), biggest first, as these tools rank."""
    members: dict[int, list[int]] = {}
    for index, label in enumerate(assigned):
        if label != -1:
            members.setdefault(int(label), []).append(index)
    ranked = sorted(members.values(), key=len, reverse=True)
    return Groups(
        ids=[[corpus.ids[i] for i in group] for group in ranked],
        titles=[f"{words(group)} ({len(group)} voices)" for group in ranked],
    )


def _segmented(corpus: Corpus) -> list[str]:
    from massline.engine.text import tokens

    return [" ".join(tokens(text)) for text in corpus.texts]


def _top_words(matrix, vocabulary: Sequence[str]) -> Callable[[list[int]], str]:
    """A group's five heaviest words in ``matrix`` (documents × words)."""
    import numpy as np

    def words(group: list[int]) -> str:
        weights = np.asarray(matrix[group].sum(axis=0)).ravel()
        return "_".join(vocabulary[i] for i in weights.argsort()[::-1][:5])

    return words


def lda_groups(corpus: Corpus, options: Options) -> Groups:
    """(c) LDA: 50 topics over word counts; each voice goes to its likeliest topic."""
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(analyzer=str.split, min_df=2)
    counts = vectorizer.fit_transform(_segmented(corpus))
    lda = LatentDirichletAllocation(n_components=50, learning_method="online", random_state=0)
    topics = lda.fit_transform(counts).argmax(axis=1)
    vocabulary = vectorizer.get_feature_names_out()

    def words(group: list[int]) -> str:
        topic = lda.components_[topics[group[0]]]
        return "_".join(vocabulary[i] for i in topic.argsort()[::-1][:5])

    return _by_size(corpus, topics, words)


def _tfidf(corpus: Corpus):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=str.split, min_df=2, sublinear_tf=True)
    return vectorizer.fit_transform(_segmented(corpus)), vectorizer.get_feature_names_out()


def dbscan_groups(corpus: Corpus, options: Options) -> Groups:
    """(d) TF-IDF + DBSCAN, cosine distance ≤ ``--eps``, 3 voices at least."""
    from sklearn.cluster import DBSCAN

    matrix, vocabulary = _tfidf(corpus)
    labels = DBSCAN(eps=options.eps, min_samples=3, metric="cosine").fit_predict(matrix)
    return _by_size(corpus, labels, _top_words(matrix, vocabulary))


def agglomerative_groups(corpus: Corpus, options: Options) -> Groups:
    """(e) TF-IDF + average-linkage agglomerative clustering, cut at cosine distance
    ``--eps``; all pairs, so only on corpora of up to :data:`ALL_PAIRS` voices."""
    from sklearn.cluster import AgglomerativeClustering

    matrix, vocabulary = _tfidf(corpus)
    labels = AgglomerativeClustering(
        n_clusters=None,
        distance_threshold=options.eps,
        metric="cosine",
        linkage="average",
    ).fit_predict(matrix.toarray())
    sizes = Counter(labels)
    labels = [label if sizes[label] >= 3 else -1 for label in labels]  # as DBSCAN: 3 at least
    return _by_size(corpus, labels, _top_words(matrix, vocabulary))


def simhash_groups(corpus: Corpus, options: Options) -> Groups:
    """(f) Near-duplicate hashing: 64-bit SimHash of the words, voices within Hamming
    distance 3 joined (four 16-bit bands: two such hashes share one band at least)."""
    import hashlib

    import numpy as np

    bits = np.array([1 << b for b in range(64)], dtype=np.uint64)
    memo: dict[str, np.ndarray] = {}

    def signs(word: str) -> np.ndarray:
        if word not in memo:
            value = np.uint64(
                int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest())
            )
            memo[word] = np.where(value & bits, 1, -1)
        return memo[word]

    hashes = []
    for text in _segmented(corpus):
        total = sum((signs(w) for w in text.split()), np.zeros(64, dtype=np.int64))
        hashes.append(int(((total > 0).astype(np.uint64) * bits).sum()))
    parent = list(range(len(hashes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for band in range(4):
        buckets: dict[int, list[int]] = {}
        for i, value in enumerate(hashes):
            buckets.setdefault((value >> (16 * band)) & 0xFFFF, []).append(i)
        for bucket in buckets.values():
            for n, i in enumerate(bucket):
                for j in bucket[:n]:
                    if (hashes[i] ^ hashes[j]).bit_count() <= 3:
                        parent[root(i)] = root(j)
    labels = [root(i) for i in range(len(hashes))]
    sizes = Counter(labels)
    labels = [label if sizes[label] >= 3 else -1 for label in labels]
    return _by_size(corpus, labels, lambda group: " ".join(corpus.texts[group[0]].split())[:30])


METHODS: dict[str, Callable[[Corpus, Options], Groups]] = {
    "massline": massline_groups,
    "BERTopic (TF-IDF+SVD)": bertopic_groups,
    "LDA (50 topics)": lda_groups,
    "TF-IDF + DBSCAN": dbscan_groups,
    "TF-IDF + agglomerative": agglomerative_groups,
    "SimHash near-duplicates": simhash_groups,
}
ALL_PAIRS = 20_000  #: agglomerative clustering holds an n × n distance matrix


def _timed(method: str, corpus: Corpus, options: Options, results: Queue) -> None:
    """In a fresh process: warm up on the first voices, then time the whole corpus."""
    warnings.filterwarnings("ignore")
    group = METHODS[method]
    start = time.perf_counter()
    group(corpus.head(WARM_UP), options)
    setup = time.perf_counter() - start
    start, cpu = time.perf_counter(), _cpu_seconds()
    groups = group(corpus, options)
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    own_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    results.put(Run(method, corpus.name, seconds, cpu, setup, own_mb, groups))
    # joblib's idle workers (HDBSCAN starts them) would hold the exit for minutes.
    reusable = sys.modules.get("joblib.externals.loky.reusable_executor")
    if reusable is not None and reusable._executor is not None:
        reusable._executor.shutdown(wait=True)


def _cpu_seconds() -> float:
    """CPU time of this process (all its threads) and of its finished helper processes."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def measure(method: str, corpus: Corpus, options: Options) -> Run:
    """Run one method on one corpus in a process of its own, sampling its memory.

    The peak is the larger of the process's own peak and the largest sampled sum of the
    resident memory of it and its helper processes (joblib's workers, one per core).
    """
    context = get_context("spawn")
    results = context.Queue()
    process = context.Process(target=_timed, args=(method, corpus, options, results))
    process.start()
    tree_peak = 0
    while True:
        try:
            run = results.get(timeout=0.1)
            break
        except Empty:
            tree_peak = max(tree_peak, tree_rss(process.pid))
            if not process.is_alive():
                raise RuntimeError(f"{method} on {corpus.name} died") from None
    process.join()
    run.peak_mb = max(run.peak_mb, tree_peak / 2**20)
    return run


def tree_rss(pid: int) -> int:
    """Resident bytes of process ``pid`` and its descendants, read from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            statm = (entry / "statm").read_text()
        except OSError:  # gone meanwhile
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        rss[int(entry.name)] = int(statm.split()[1]) * page
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent and p not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(p, 0) for p in tree)


# ---- quality -----------------------------------------------------------------------


def majority(group: Sequence[str], labels: dict[str, str]) -> str | None:
    """The label carried by more than half of ``group``, if any."""
    counts = Counter(labels[i] for i in group if i in labels)
    if counts:
        label, count = counts.most_common(1)[0]
        if count * 2 > len(group):
            return label
    return None


def found(group: Sequence[str], labels: dict[str, str], sizes: Counter[str]) -> str | None:
    """The label ``group`` finds: its majority, holding at least half that label's voices."""
    label = majority(group, labels)
    if label is None:
        return None
    held = sum(labels.get(i) == label for i in group)
    return label if held * 2 >= sizes[label] else None


@dataclass
class Score:
    """Quality of a method's top ``k`` groups."""

    precision: float
    recall: float
    duplicates: int
    marks: dict[int, str]  #: rank (from 0) → the true issue a top group stands for


def synthetic_scores(groups: Groups, labels: dict[str, str], k: int) -> Score:
    """Precision, recall and duplicates of the top ``k`` groups against the planted labels.

    Duplicates: top groups whose majority label is that of a group ranked above them
    (one issue split in two); they count as precise.
    """
    sizes = Counter(labels.values())
    top = groups.ids[:k]
    marks = {rank: label for rank, g in enumerate(top) if (label := majority(g, labels))}
    hits = {label for g in top if (label := found(g, labels, sizes))}
    return Score(
        precision=len(marks) / len(top) if top else 0.0,
        recall=len(hits) / len(sizes),
        duplicates=len(marks) - len(set(marks.values())),
        marks=marks,
    )


def first_ranks(groups: Groups, labels: dict[str, str]) -> dict[str, int | None]:
    """For each planted label, the rank (1-based) of the first group that finds it."""
    sizes = Counter(labels.values())
    ranks: dict[str, int | None] = dict.fromkeys(sizes)
    for rank, group in enumerate(groups.ids, 1):
        label = found(group, labels, sizes)
        if label and ranks[label] is None:
            ranks[label] = rank
    return ranks


def real_scorer() -> Callable[[Groups, int], Score] | None:
    """Scoring against bench/hotissues_truth.py's hand-made truth, if it is there."""
    try:
        from hotissues_truth import load_truth, score

        truth = load_truth()
    except (ImportError, OSError, ValueError) as error:
        print(f"No hot-issue truth ({error}): the real corpus is timed, not scored.")
        return None

    titles = {t.issue: t.title for t in truth}

    def scorer(groups: Groups, k: int) -> Score:
        result = score([set(g) for g in groups.ids], truth, k=k)
        return Score(
            precision=result["precision_at_k"],
            recall=result["recall_at_k"],
            duplicates=result["duplicates"],
            marks={rank: f"{slug} {titles[slug]}" for rank, slug, _ in result["matched"]},
        )

    return scorer


# ---- report ------------------------------------------------------------------------


def row(run: Run, scores: dict[int, Score] | None, ratio: tuple[float, float] | None) -> str:
    """One line of the table."""
    quality = (
        f"{scores[10].precision:6.2f} {scores[10].duplicates:6d} "
        f"{scores[10].recall:7.2f} {scores[20].recall:7.2f}"
        if scores
        else f"{'—':>6} {'—':>6} {'—':>7} {'—':>7}"
    )
    times = f"{ratio[0]:6.1f}× {ratio[1]:6.1f}×" if ratio else ""
    return (
        f"{run.method:<24} {run.corpus:<10} {run.seconds:8.1f} {run.cpu:6.1f} {run.setup:6.1f} "
        f"{run.peak_mb:7.0f} {len(run.groups.ids):7d} {quality} {times}"
    )


def report(runs: list[Run], scores: dict[tuple[str, str], dict[int, Score]]) -> None:
    """The table: time, memory, quality, and BERTopic's time over massline's per corpus."""
    print(
        f"\n{'method':<24} {'corpus':<10} {'seconds':>8} {'CPU s':>6} {'setup':>6} "
        f"{'peak MB':>7} {'groups':>7} {'P@10':>6} {'dup@10':>6} {'R@10':>7} {'R@20':>7} "
        f"{'time ×':>7} {'CPU ×':>7}"
    )
    base = {r.corpus: r for r in runs if r.method == "massline"}
    for run in runs:
        ratio = None
        if run.method != "massline" and run.corpus in base:
            ratio = (run.seconds / base[run.corpus].seconds, run.cpu / base[run.corpus].cpu)
        print(row(run, scores.get((run.method, run.corpus)), ratio))


def show_ranks(runs: list[Run], labels: dict[str, str]) -> None:
    """Where each method ranks each planted issue (— : not found as one group)."""
    synthetic = [r for r in runs if r.corpus == "synthetic"]
    sizes = Counter(labels.values())
    print(
        "\nplanted hot issue (voices): rank of the group that finds it, "
        + " | ".join(r.method for r in synthetic)
    )
    ranks = [first_ranks(r.groups, labels) for r in synthetic]
    for label, size in sizes.most_common():
        cells = " | ".join(f"{rank[label] or '—':>4}" for rank in ranks)
        print(f"  {label} ({size}): {cells}")


def show_titles(
    runs: list[Run], corpus: str, scores: dict[tuple[str, str], dict[int, Score]]
) -> None:
    """Each method's top groups on ``corpus``: issues or themes? (→ the true issue, if one)"""
    for run in runs:
        if run.corpus == corpus:
            print(f"\n{run.method}, top {SHOWN} on the {corpus} corpus:")
            score = scores.get((run.method, corpus), {}).get(SHOWN)
            for rank, title in enumerate(run.groups.titles[:SHOWN]):
                mark = score.marks.get(rank) if score else None
                print(f"  {rank + 1:>2}. {title}" + (f"  → {mark}" if mark else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="synthetic voices")
    parser.add_argument("--seed", type=int, default=0, help="synthetic city and voices")
    parser.add_argument("--umap-seed", type=int, default=None, help="seed BERTopic's UMAP")
    parser.add_argument("--min-people", type=int, default=None, help="massline's min_people")
    parser.add_argument(
        "--real-window", type=int, default=365, help="massline's window on the real corpus, days"
    )
    parser.add_argument("--eps", type=float, default=0.5, help="DBSCAN's cosine distance")
    parser.add_argument(
        "--methods", nargs="+", choices=list(METHODS), default=list(METHODS), metavar="METHOD"
    )
    args = parser.parse_args()
    options = Options(args.umap_seed, args.min_people, args.real_window, args.eps)
    strict = os.environ.get("CI", "").lower() == "true"
    methods = args.methods
    try:
        import bertopic  # noqa: F401
    except ImportError:
        print(f"BERTopic is not installed ({INSTALL}): it is left out.")
        if strict:
            return 1
        methods = [m for m in methods if m != "BERTopic (TF-IDF+SVD)"]

    corpora = [synthetic_corpus(args.n, args.seed)]
    if DATA.is_file():
        corpora.append(real_corpus(DATA))
    else:
        print(f"{DATA} is not here: the real corpus is skipped.")
        if strict:
            return 1
    scorer = real_scorer() if DATA.is_file() else None

    runs, scores = [], {}
    for corpus in corpora:
        print(f"{corpus.name}: {len(corpus.texts):,} voices", end="")
        print(f", {len(set(corpus.labels.values()))} planted hot issues" if corpus.labels else "")
        for method in methods:
            if method == "TF-IDF + agglomerative" and len(corpus.texts) > ALL_PAIRS:
                print(f"  {method}: left out, all pairs of {len(corpus.texts):,} voices")
                continue
            run = measure(method, corpus, options)
            runs.append(run)
            print(f"  {method}: {run.seconds:.1f} s, {len(run.groups.ids)} groups")
            if corpus.labels:
                score = {k: synthetic_scores(run.groups, corpus.labels, k) for k in (10, 20)}
            elif scorer:
                score = {k: scorer(run.groups, k) for k in (10, 20)}
            else:
                continue
            scores[(method, corpus.name)] = score

    report(runs, scores)
    show_ranks(runs, corpora[0].labels)
    for corpus in corpora:
        show_titles(runs, corpus.name, scores)
    return 0


if __name__ == "__main__":
    sys.exit(main())
