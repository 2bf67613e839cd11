"""Every data file is documented with its source, licence and checksum, and loads."""

from __future__ import annotations

import hashlib
import re

import pytest

from conftest import ROOT
from coursekit import load_photo, photo_names

DATA = ROOT / "data"
README = (DATA / "README.md").read_text()
FILES = sorted(p for p in DATA.iterdir() if p.name != "README.md")


def table_rows() -> dict[str, str]:
    return {m.group(1): line for line in README.splitlines() if (m := re.match(r"\| `([^`]+)` \|", line))}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_is_documented_with_licence_and_checksum(path):
    row = table_rows().get(path.name)
    assert row, f"data/{path.name} is not listed in data/README.md"
    assert re.search(r"CC0|public domain", row), f"data/{path.name}: no licence in its row"
    assert hashlib.sha256(path.read_bytes()).hexdigest() in row, f"data/{path.name}: checksum differs from data/README.md"


def test_every_documented_file_exists():
    assert set(table_rows()) == {p.name for p in FILES}


@pytest.mark.parametrize("name", photo_names())
def test_photo_loads_as_grey_and_colour(name):
    grey, colour = load_photo(name), load_photo(name, grey=False)
    assert grey.ndim == 2 and grey.dtype.name == "uint8"
    assert colour.shape == grey.shape + (3,)


def test_unknown_photo_names_the_available_ones():
    with pytest.raises(FileNotFoundError, match="coffee"):
        load_photo("no-such-photo")
