"""Small realistic digests for the web tests (titles, names and IDs are real; the
summaries are written for these tests), plus hostile text that must never run."""

from __future__ import annotations

from pathlib import Path

HOSTILE_IMG = '<img src=x onerror="window.__pwned=1;alert(1)">'
HOSTILE_SCRIPT = "</textarea></script><script>window.__pwned=1;alert(1)</script>"

HEADER = ("| Title | Authors | Summary | Classification | GitHub URLs | HuggingFace URLs |\n"
          "|-------|---------|---------|----------------|-------------|-----------------|\n")

DAYS = {
    "2025-02-27": [
        ("NeoBERT: A Next-Generation BERT", "2502.19587",
         "Lola Le Breton, Quentin Fournier, Mariam El Mezouar, Sarath Chandar",
         "An encoder of the BERT kind rebuilt with newer architecture choices.",
         "['Natural Language Processing', 'Feature Extraction']",
         "[Link](https://github.com/chandar-lab/NeoBERT)",
         "[Link](https://huggingface.co/chandar-lab/NeoBERT)"),
        ("Self-rewarding correction for mathematical reasoning", "2502.19613",
         "Wei Xiong, Hanning Zhang, Chenlu Ye, Lichang Chen, Nan Jiang",
         "A model checks and revises its own answers to maths problems.",
         "['Question Answering', 'Reinforcement Learning']",
         "[Link](https://github.com/RLHFlow/Self-rewarding-reasoning-LLM)", "N/A"),
    ],
    "2025-02-28": [
        ("NeoBERT: A Next-Generation BERT", "2502.19587",
         "Lola Le Breton, Quentin Fournier, Mariam El Mezouar, Sarath Chandar",
         "Listed again: the weights and the training code are public.",
         "['Natural Language Processing', 'Feature Extraction']",
         "[Link](https://github.com/chandar-lab/NeoBERT)",
         "[Link](https://huggingface.co/chandar-lab/NeoBERT)"),
        ("MedVLM-R1: Incentivizing Medical Reasoning Capability of Vision-Language Models "
         "(VLMs) via Reinforcement Learning", "2502.19634",
         "Jiayuan Zhu, Fenglin Liu, Junde Wu, Jiazhen Pan, Sarath Chandar",
         "A small vision-language model answers radiology questions and explains itself.",
         "['Visual Question Answering', 'Reinforcement Learning']", "N/A", "N/A"),
        (f"Question answering over long documents {HOSTILE_IMG}", "2502.20001",
         f"Ada {HOSTILE_SCRIPT}, Nan Jiang",
         f"A retrieval step before answering. {HOSTILE_SCRIPT}",
         f"['Question Answering', '{HOSTILE_IMG}']", "N/A", "N/A"),
    ],
}


def write_digests(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for day, rows in DAYS.items():
        lines = [f"## Papers for {day}\n\n", HEADER]
        for title, arxiv, authors, summary, tasks, github, hf in rows:
            lines.append(f"| [{title}](https://arxiv.org/abs/{arxiv}) | {authors} | {summary} "
                         f"| {tasks} | {github} | {hf} |\n")
        (folder / f"papers-{day}.md").write_text("".join(lines), encoding="utf-8")
    return folder
