"""Joining a model from its parts: verified, atomic, and one clear line when a part is wrong."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from frontdesk.llm.local.weights import QWEN_1_5B, LocalModelError, WeightSet, installed_part


def weight_set(folder: Path, blobs: list[bytes]) -> WeightSet:
    folder.mkdir(parents=True, exist_ok=True)
    for number, blob in enumerate(blobs, start=1):
        (folder / f"part{number:02d}.bin").write_bytes(blob)
    joined = b"".join(blobs)
    return WeightSet(
        file_name="tiny.gguf",
        sha256=hashlib.sha256(joined).hexdigest(),
        size=len(joined),
        parts=tuple((n, len(b), hashlib.sha256(b).hexdigest()) for n, b in enumerate(blobs, start=1)),
        locate=lambda number: folder / f"part{number:02d}.bin",
    )


def test_parts_are_joined_in_order_verified_and_reused(tmp_path: Path) -> None:
    blobs = [b"GGUF" + b"a" * 5000, b"b" * 7000, b"c" * 300]
    weights = weight_set(tmp_path / "parts", blobs)
    seen: list[tuple[int, int]] = []
    path = weights.assemble(tmp_path / "data", lambda done, total: seen.append((done, total)))
    assert path.read_bytes() == b"".join(blobs)
    assert seen[-1] == (weights.size, weights.size)
    assert weights.is_assembled(tmp_path / "data")
    (tmp_path / "parts" / "part01.bin").unlink()
    assert weights.assemble(tmp_path / "data") == path, "an assembled model does not need its parts again"


def test_a_corrupt_part_is_named_and_no_model_file_is_left(tmp_path: Path) -> None:
    weights = weight_set(tmp_path / "parts", [b"x" * 100, b"y" * 100])
    (tmp_path / "parts" / "part02.bin").write_bytes(b"z" * 100)
    with pytest.raises(LocalModelError, match=r"^model part 2 .* is corrupt"):
        weights.assemble(tmp_path / "data")
    assert list((tmp_path / "data" / "models").iterdir()) == []


def test_a_truncated_or_missing_part_is_named_before_anything_is_written(tmp_path: Path) -> None:
    weights = weight_set(tmp_path / "parts", [b"x" * 100, b"y" * 100])
    (tmp_path / "parts" / "part01.bin").write_bytes(b"x" * 10)
    with pytest.raises(LocalModelError, match=r"^model part 1 .* has 10 bytes, expected 100"):
        weights.assemble(tmp_path / "data")
    (tmp_path / "parts" / "part01.bin").unlink()
    with pytest.raises(LocalModelError, match=r"^model part 1 .* has -1 bytes"):
        weights.assemble(tmp_path / "data")


def test_a_part_package_that_is_not_installed_says_which_extra_brings_it() -> None:
    with pytest.raises(LocalModelError, match=r"model part no-such-model-part3 is not installed: .*frontdesk\[local\]"):
        installed_part("no-such-model-part", 3)


def test_the_pinned_parts_add_up_to_the_pinned_model() -> None:
    assert len(QWEN_1_5B.parts) == 22
    assert [p[0] for p in QWEN_1_5B.parts] == list(range(1, 23))
    assert sum(size for _, size, _ in QWEN_1_5B.parts) == QWEN_1_5B.size
