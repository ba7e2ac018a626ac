import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
MT_SEED = SEEDS / "000_d39dd3bf9bf62004.txt"
EN_SEED = SEEDS / "004_3d73205d6c8d8124.txt"


@pytest.fixture(scope="session")
def mt_text() -> str:
    return MT_SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def en_text() -> str:
    return EN_SEED.read_text(encoding="utf-8")
