"""Deterministic generator of synthetic daily digests, for benchmarks.

Why synthetic: the real corpus has under a thousand rows and may not be copied
into the project, but performance work needs 10k-100k papers whose *shape*
matches the real input, because that shape decides the cost of the pipeline:

* the row format is byte-for-byte the real one (format string, ``str()`` of the
  label list, ``[Link](url)`` lists or ``N/A``, nothing escaped, titles wrapped
  with ``"\\n  "`` so a row spans two lines, rarely a URL broken by ``"\\n"``);
* authors are drawn Zipf-like from a pool about four times the paper count, so a
  few authors are prolific and most appear once (node reuse drives the triple
  count and the dictionary sizes in any store);
* ~60 Hugging Face task labels with a skewed distribution (few hot concepts);
* GitHub and Hugging Face links in the messy variants the corpus shows, because
  link normalisation is a real cost and repository nodes are shared;
* ~3 % of rows feature a paper again on a later day (same arXiv ID);
* summaries are ~900 characters of ``- `` bullets run together, built from a
  small word list (never copied text).

Everything is drawn from one ``random.Random(seed)``, so the same arguments give
byte-identical files on every run and machine. ``--papers N`` is the number of
table rows written (repeats included), so file sizes scale with N.

Usage::

    python bench/synth.py --papers 10000 --out /tmp/digests10k [--seed 0] [--days-per-file 1]

or ``from synth import generate; generate(10_000, Path("/tmp/d"))``.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

START_DAY = date(2024, 1, 1)
HEADER = (
    "| Title | Authors | Summary | Classification | GitHub URLs | HuggingFace URLs |\n"
    "|-------|---------|---------|----------------|-------------|-----------------|\n"
)

# Vocabulary tables, kept compact (several entries a line).
# fmt: off
# Real Hugging Face task names, most common first; sampled with Zipf weights by rank
# so that a handful of labels (NLP, Multimodal, QA) dominate as in the real digests.
TASKS: tuple[str, ...] = (
    "Natural Language Processing", "Multimodal", "Question Answering", "Text Generation",
    "Visual Question Answering", "Computer Vision", "Reinforcement Learning", "Image-to-Text",
    "Text2Text Generation", "Video-Text-to-Text", "Text-to-Image", "Text-to-Video", "Robotics",
    "Image Classification", "Translation", "Summarization", "Audio", "Image-to-Image",
    "Image Segmentation", "Document Question Answering", "Automatic Speech Recognition",
    "Text-to-Audio", "Text Classification", "Image Feature Extraction", "Feature Extraction",
    "Object Detection", "Image-Text-to-Text", "Zero-Shot Image Classification", "Text-to-Speech",
    "Zero-Shot Classification", "Video Classification", "Graph Machine Learning", "Text-to-3D",
    "Any-to-Any", "Token Classification", "Image-to-Video", "Depth Estimation", "Audio-to-Audio",
    "Image-to-3D", "Unconditional Image Generation", "Sentence Similarity",
    "Audio Classification", "Time Series Forecasting", "Table Question Answering",
    "Zero-Shot Object Detection", "Tabular Regression", "Tabular Classification", "Fill-Mask",
    "Mask Generation", "Keypoint Detection", "Video-to-Video", "Text Ranking", "Text Retrieval",
    "Voice Activity Detection", "Visual Document Retrieval", "Audio-Text-to-Text",
    "Image-Text-to-Image", "Tabular", "Time Series Classification", "Other",
)

# Name parts. Accents and non-ASCII letters are deliberate: they exercise IRI
# minting and UTF-8 serialisation.
FIRST = (
    "Wei", "Yu", "Jun", "Xin", "Hao", "Jiaheng", "Lichang", "Chenlu", "Yiming", "Zhen", "Anna",
    "Maria", "José", "Zoë", "Łukasz", "Søren", "François", "Ana", "Jürgen", "Chloé", "Ahmed",
    "Fatima", "Priya", "Arjun", "Rahul", "Sung Ju", "Min-jun", "Hyun", "Takumi", "Yuki", "Olga",
    "Dmitry", "Kristian", "Ekaterina", "Thomas", "Sarah", "Michael", "Laura", "David", "Emily",
    "Nguyễn Văn", "Thảo", "İlker", "Ömer", "Gökhan", "Siddharth", "Ashwin Kumar", "Benedikt",
    "Matías", "Inês", "João", "Björn", "Ingrid", "Niamh", "Aoife", "Paweł", "Tomáš", "Kateřina",
    "Andrés", "Lucía",
)
LAST = (
    "Li", "Wang", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun",
    "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Gao", "Kim", "Lee", "Park", "Choi", "Tanaka",
    "Suzuki", "Sato", "Müller", "Schmidt", "Schäfer", "Weiß", "García", "Martínez", "López",
    "Gómez", "Pérez", "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Kuznetsov", "Ivanov",
    "Smirnova", "Novák", "Dvořák", "Kowalski", "Wiśniewski", "Nguyen", "Tran", "Pham", "Singh",
    "Sharma", "Gupta", "Patel", "Çelik", "Yılmaz", "Öztürk", "Jensen", "Sørensen", "Larsson",  # noqa: RUF001
    "Ó Briain", "Dubois", "Lefèvre", "Moreau", "Rossi", "Bianchi", "Silva", "Gonçalves", "Alkin",
    "Dernoncourt", "Xiong", "Jiang", "Ye",
)
# Pinyin-like syllables for given names, so the name space (~170k combinations)
# is large enough that a 400k pool is not dominated by accidental homonyms.
PINYIN = (
    "Jia", "Xin", "Yu", "Hao", "Zhi", "Ming", "Heng", "Chen", "Yi", "Wen", "Jun", "Lin", "Qing",
    "Rui", "Tian", "Xiao", "Yan", "Zi", "Hui", "Kai", "Le", "Shu", "Fei", "Bo", "Ning", "Peng",
    "Yue", "Jie", "Long", "Si",
)
SYLLABLES = (
    "ka", "zen", "lo", "mi", "ra", "tor", "qi", "xu", "han", "ling", "bo", "yu", "an", "chen",
    "ser", "vin", "dra", "mon", "tek", "ai", "nox", "pix", "li", "wen", "jo", "sa", "ko", "ala",
    "zf", "ton", "rin", "mat", "bam", "sea", "nie", "dar", "io", "ge", "ki", "ru",
)
ORG_SUFFIXES = ("-NLP", "-AI", "Lab", "-Research", "-Group", "-CVC", "-ML", "-Vision", "")

# Word list for titles and summaries: generic ML vocabulary, not text from any digest.
ADJ = (
    "Scalable", "Efficient", "Robust", "Unified", "Adaptive", "Sparse", "Multimodal",
    "Self-Supervised", "Hierarchical", "Generalist", "Lightweight", "Open", "Long-Context",
    "Training-Free", "Federated", "Compositional", "Causal", "Multilingual", "Interactive",
    "Neural", "Contrastive", "Diffusion-Based", "Agentic", "Latent", "Dense",
)
NOUN = (
    "Reasoning", "Retrieval", "Alignment", "Planning", "Tokenization", "Distillation",
    "Pretraining", "Decoding", "Attention", "Benchmark", "Agents", "Transformers",
    "Language Models", "Vision Encoders", "Reward Models", "Video Generation", "Speech Synthesis",
    "Code Generation", "Preference Optimization", "Knowledge Graphs", "World Models",
    "Mixture-of-Experts", "Quantization", "Evaluation", "Data Curation", "Embeddings",
    "Instruction Tuning", "Segmentation", "Navigation", "Question Answering",
)
WORDS = (
    "the", "a", "of", "and", "to", "in", "for", "with", "on", "by", "that", "this", "paper",
    "model", "models", "method", "approach", "framework", "benchmark", "dataset", "training",
    "inference", "performance", "results", "tasks", "language", "vision", "multimodal",
    "reasoning", "learning", "reinforcement", "policy", "reward", "token", "tokens", "layer",
    "attention", "encoder", "decoder", "diffusion", "generation", "retrieval", "evaluation",
    "accuracy", "efficiency", "scaling", "parameters", "compute", "latency", "memory", "proposes",
    "introduces", "demonstrates", "achieves", "outperforms", "improves", "reduces",
    "state-of-the-art", "baselines", "existing", "novel", "large", "small", "open-source",
    "experiments", "across", "multiple", "datasets", "shows", "significant", "gains", "alignment",
    "preference", "instruction", "fine-tuning", "pretraining", "context", "long", "video",
    "image", "audio", "speech", "code", "agents", "planning", "tool", "use", "robust",
    "efficient", "scalable", "zero-shot", "few-shot", "generalization", "data", "synthetic",
    "human", "annotations", "quality", "analysis", "ablation", "study", "(LLMs)", "(VLMs)",
    "GPT-4o", "Llama-3", "Qwen2.5", "2x", "15%", "3.1", "MMLU", "GSM8K",
)
# fmt: on


@dataclass(slots=True)
class _Paper:
    """A paper once drawn, kept so a later day can feature it again unchanged."""

    arxiv_id: str
    title: str
    authors: str
    classification: str
    github: str
    hf: str


def _zipf_cum_weights(n: int, exponent: float) -> list[float]:
    """Cumulative weights 1/rank**exponent, for fast ``choices``/``bisect`` sampling."""
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, n + 1)))


class _Synth:
    """Holds the RNG and the pre-built pools; one instance produces one corpus."""

    def __init__(self, papers: int, seed: int) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        # Author pool ~4x papers. Exponent 0.5 gives a heavy tail that stays plausible
        # from 1k to 100k papers (top author in ~1 % of papers at 1k, ~0.1 % at 100k).
        pool_size = max(200, 4 * papers)
        self.authors = [self._author_name() for _ in range(pool_size)]
        rng.shuffle(self.authors)
        self.author_cw = _zipf_cum_weights(pool_size, 0.5)
        self.author_total = self.author_cw[-1]
        # Code owners (orgs and users): fewer and more concentrated than authors.
        owner_size = max(50, papers // 2)
        self.owners = [self._owner() for _ in range(owner_size)]
        self.owner_cw = _zipf_cum_weights(owner_size, 0.8)
        self.task_cw = _zipf_cum_weights(len(TASKS), 1.1)
        self.month_counter: dict[str, int] = {}
        self.seen: list[_Paper] = []

    # -- pools -----------------------------------------------------------------
    def _username(self) -> str:
        """A site handle: syllables, sometimes digits, dashes or capitals."""
        rng = self.rng
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        style = rng.random()
        if style < 0.35:
            name += str(rng.randint(1, 9999))
        elif style < 0.5:
            name = name[:3].capitalize() + "-" + name[3:].capitalize()
        elif style < 0.6:
            name = name.capitalize() + rng.choice(("Wang", "Li", "Kim", "AI", "ML"))
        return name

    def _author_name(self) -> str:
        """About 60 % real-looking names, 40 % usernames; some names reappear as handles."""
        rng = self.rng
        r = rng.random()
        if r < 0.6:
            first = (
                rng.choice(FIRST)
                if rng.random() < 0.5
                else (rng.choice(PINYIN) + rng.choice(PINYIN).lower())
            )
            name = f"{first} {rng.choice(LAST)}"
            if rng.random() < 0.08:
                name = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {rng.choice(LAST)}"
            return name
        if r < 0.65:
            # The same person under a handle derived from a name ("Yu Cheng" / "yucheng").
            first, last = rng.choice(FIRST), rng.choice(LAST)
            return (first + last).lower().replace(" ", "") + str(rng.randint(0, 99))
        return self._username()

    def _owner(self) -> str:
        rng = self.rng
        if rng.random() < 0.4:
            return self._username().capitalize() + rng.choice(ORG_SUFFIXES)
        return self._username()

    # -- draws -----------------------------------------------------------------
    def _pick_authors(self) -> list[str]:
        """Up to five distinct authors, mostly five (the digest caps the list at five)."""
        rng = self.rng
        k = rng.choices((1, 2, 3, 4, 5), weights=(2, 3, 7, 10, 78))[0]
        chosen: list[str] = []
        cw, total, pool = self.author_cw, self.author_total, self.authors
        hi = len(pool) - 1
        while len(chosen) < k:
            name = pool[min(bisect.bisect(cw, rng.random() * total), hi)]
            if name not in chosen:
                chosen.append(name)
        return chosen

    def _pick_owner(self) -> str:
        cw = self.owner_cw
        idx = min(bisect.bisect(cw, self.rng.random() * cw[-1]), len(self.owners) - 1)
        return self.owners[idx]

    def _pick_tasks(self) -> list[str]:
        rng = self.rng
        k = rng.choices((2, 3, 4), weights=(40, 40, 20))[0]
        out: list[str] = []
        while len(out) < k:
            t = rng.choices(TASKS, cum_weights=self.task_cw)[0]
            if t not in out:
                out.append(t)
        return out

    def _title(self) -> tuple[str, str]:
        """Return (title, short repo-ish name); ~15 % are long and wrapped with '\\n  '."""
        rng = self.rng
        acronym = "".join(rng.choice("ABCDEFGHIKLMNOPRSTVXZ") for _ in range(rng.randint(3, 6)))
        if rng.random() < 0.3:
            acronym = acronym[:2] + rng.choice(("-R1", "Bench", "-VL", "Gen", "-2", "o"))
        title = f"{acronym}: {rng.choice(ADJ)} {rng.choice(NOUN)} for {rng.choice(NOUN)}"
        if rng.random() < 0.5:
            title += f" with {rng.choice(ADJ)} {rng.choice(NOUN)}"
        if rng.random() < 0.15:
            # Mimic arXiv's title wrapping: break at the last space before column ~66,
            # padding first so the title is long enough to need a break.
            while len(title) < 75:
                title += f" and {rng.choice(ADJ)} {rng.choice(NOUN)}"
            cut = title.rfind(" ", 0, 66)
            title = title[:cut] + "\n  " + title[cut + 1 :]
        return title, acronym

    def _github(self, name: str) -> str:
        """0 links for ~60 % of papers, else 1-2 in the variants the corpus shows."""
        rng = self.rng
        if rng.random() >= 0.40:
            return "N/A"
        links = []
        for j in range(1 if rng.random() < 0.9 else 2):
            owner = self._pick_owner()
            repo = name if j == 0 else f"{name}-{rng.choice(('data', 'eval', 'demo'))}"
            r = rng.random()
            if r < 0.70:
                url = f"https://github.com/{owner}/{repo}"
            elif r < 0.75:
                url = f"github.com/{owner}/{repo}"
            elif r < 0.78:
                url = f"http://github.com/{owner}/{repo}"
            elif r < 0.82:
                url = f"https://github.com/{owner}/{repo}.git"
            elif r < 0.86:
                url = f"https://github.com/{owner}/{repo}/tree/main/{rng.choice(('src', 'eval'))}"
            elif r < 0.90:
                url = f"https://github.com/{owner}/{repo}/"
            elif r < 0.98:
                url = f"https://{owner.lower()}.github.io/{repo}/"
            else:
                url = f"https://github.com/{owner}"
            links.append(f"[Link]({url})")
        return ", ".join(links)

    def _hf(self, name: str) -> str:
        """0 links for ~70 %, else 1-3 models/datasets/spaces, short links, odd targets."""
        rng = self.rng
        if rng.random() >= 0.30:
            return "N/A"
        n = rng.choices((1, 2, 3), weights=(75, 18, 7))[0]
        links = []
        for j in range(n):
            owner = self._pick_owner()
            item = name if j == 0 else f"{name}-{rng.choice(('7B', 'base', 'instruct', 'data'))}"
            r = rng.random()
            if r < 0.50:
                url = f"https://huggingface.co/{owner}/{item}"
            elif r < 0.72:
                url = f"https://huggingface.co/datasets/{owner}/{item}"
            elif r < 0.82:
                url = f"https://huggingface.co/spaces/{owner}/{item}"
            elif r < 0.88:
                url = f"https://hf.co/{rng.choice(('', 'datasets/'))}{owner}/{item}"
            elif r < 0.92:
                url = f"https://huggingface.co/collections/{owner}/{item.lower()}-{rng.getrandbits(48):012x}"
            elif r < 0.96:
                url = f"https://huggingface.co/{owner}"
            elif r < 0.98:
                url = f"https://www.modelscope.cn/models/{owner}/{item}"
            else:
                url = rng.choice(("null", f"https://zenodo.org/record/{rng.randint(10**6, 10**7)}"))
            links.append(f"[Link]({url})")
        return ", ".join(links)

    def _summary(self) -> str:
        """4-5 '- ' bullets on one line, ~900 characters in total."""
        rng = self.rng
        bullets = []
        for _ in range(rng.choices((4, 5), weights=(45, 55))[0]):
            words = rng.choices(WORDS, k=rng.randint(18, 31))
            text = " ".join(words)
            bullets.append(f"- {text[0].upper()}{text[1:]}.")
        return " ".join(bullets)

    def _arxiv_id(self, day: date) -> str:
        """Unique YYMM.NNNNN: increasing per month with random gaps, as arXiv assigns."""
        yymm = day.strftime("%y%m")
        nxt = self.month_counter.get(yymm, self.rng.randint(1, 400)) + self.rng.randint(1, 30)
        if nxt > 99999:
            raise ValueError(f"arXiv number space for {yymm} exhausted")
        self.month_counter[yymm] = nxt
        return f"{yymm}.{nxt:05d}"

    def paper_row(self, day: date) -> str:
        """One table row, new or (~3 %) a paper already featured on an earlier day."""
        rng = self.rng
        if self.seen and rng.random() < 0.03:
            p = rng.choice(self.seen[-3000:])  # re-featured within the last ~100 days
        else:
            title, name = self._title()
            p = _Paper(
                arxiv_id=self._arxiv_id(day),
                title=title,
                authors=", ".join(self._pick_authors()),
                classification=str(self._pick_tasks()),
                github=self._github(name),
                hf=self._hf(name),
            )
            self.seen.append(p)
        hf = p.hf
        if hf != "N/A" and rng.random() < 0.01:
            # Rare: a long URL broken by a bare newline, as in the March 2025 digests;
            # the break falls inside the last URL's last path segment, never in markup.
            start = hf.rfind("/") + 1
            if start > hf.rfind("](") and len(hf) - start > 6:
                cut = start + rng.randint(1, len(hf) - start - 3)
                hf = hf[:cut] + "\n" + hf[cut:]
        return (
            f"| [{p.title}](https://arxiv.org/abs/{p.arxiv_id}) | {p.authors} | "
            f"{self._summary()} | {p.classification} | {p.github} | {hf} |\n"
        )


def generate(papers: int, out: Path, seed: int = 0, days_per_file: int = 1) -> list[Path]:
    """Write ``papers`` rows as daily digests under ``out``; return the files in order.

    Each day gets 25-35 rows (the last day takes the remainder); days run from
    2024-01-01. With ``days_per_file`` > 1 several day sections share one file named
    after its first day, to exercise multi-section input.
    """
    if papers < 0 or days_per_file < 1:
        raise ValueError("papers must be >= 0 and days_per_file >= 1")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    synth = _Synth(papers, seed)
    rng = synth.rng
    paths: list[Path] = []
    chunk: list[str] = []  # day sections of the file being built; written when full
    remaining, day, first_day = papers, START_DAY, START_DAY
    while remaining > 0:
        n = min(remaining, rng.randint(25, 35))
        rows = "".join(synth.paper_row(day) for _ in range(n))
        if not chunk:
            first_day = day
        chunk.append(f"\n\n## Papers for {day.isoformat()}\n\n{HEADER}{rows}")
        remaining -= n
        day += timedelta(days=1)
        if len(chunk) == days_per_file or remaining == 0:
            path = out / f"papers-{first_day.isoformat()}.md"
            path.write_text("".join(chunk), encoding="utf-8", newline="\n")
            paths.append(path)
            chunk = []
    return paths


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; prints what was written and how long it took."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, required=True, help="number of table rows")
    ap.add_argument("--out", type=Path, required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--days-per-file", type=int, default=1)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    paths = generate(args.papers, args.out, args.seed, args.days_per_file)
    size = sum(p.stat().st_size for p in paths)
    print(
        f"wrote {args.papers} papers in {len(paths)} files ({size / 1e6:.1f} MB) "
        f"to {args.out} in {time.perf_counter() - t0:.2f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
