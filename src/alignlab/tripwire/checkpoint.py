"""The files of a run folder. Checkpoints: plain dicts of tensors and JSON-like values, written
atomically, read with ``torch.load(weights_only=True)`` so that loading one never runs code. JSON
results (summary, history, calibration): read with :func:`read_json`, which turns any damage into
one :class:`~alignlab._validate.ParameterError` naming the file."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import torch

from alignlab._validate import ParameterError, path_kind

# 2: checkpoints hold the response's state, the belief readings' reference and the last clean weights;
# a checkpoint of format 1 (before responses) cannot be resumed and is refused as not of this format
FORMAT = "alignlab-tripwire-2"
REQUIRED = ("format", "config", "step", "model", "optimizer", "state")


class CheckpointError(ParameterError):
    """A checkpoint that is missing, unreadable or not a tripwire checkpoint."""

    def __init__(self, path: Path, reason: str):
        super().__init__("checkpoint", f"{path} {reason}")


def save_checkpoint(path: Path, payload: dict, previous: Path | None = None) -> None:
    """Write ``payload`` (plus the format tag) to ``path`` via a temporary file and an atomic rename. With
    ``previous``, the checkpoint ``path`` held is kept there; it is renamed only once the new one is
    written, so a kill at any moment leaves at least one whole checkpoint (see :func:`latest`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save({"format": FORMAT, **payload}, tmp)
    if previous is not None and path.exists():
        os.replace(path, previous)
    os.replace(tmp, path)


def latest(last: Path, previous: Path) -> Path:
    """The checkpoint to resume from: ``last``, or ``previous`` where a kill fell between the two renames
    of :func:`save_checkpoint`."""
    return last if last.exists() or not previous.exists() else previous


def load_checkpoint(path: Path) -> dict:
    path = Path(path)
    kind = path_kind("checkpoint", path)
    if kind != "file":
        raise CheckpointError(path, "does not exist" if kind is None else "is a folder")
    try:
        payload = torch.load(path, weights_only=True, map_location="cpu")
    except Exception as err:  # noqa: BLE001 - a damaged file can fail anywhere in the unpickler
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise CheckpointError(path, f"is not a readable checkpoint ({reason[:120]})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT or any(k not in payload for k in REQUIRED):
        raise CheckpointError(path, f"is not an {FORMAT} checkpoint")
    return payload


def copy(src: Path, dst: Path) -> str | None:
    if not src.exists():
        return None
    shutil.copyfile(src, dst)
    return dst.name


def read_json(path: Path, build, param: str, missing: str):
    """``build(data)`` for the JSON file at ``path``. A file that is absent (``missing`` is the message),
    not JSON, or not what ``build`` expects raises one :class:`ParameterError` for ``param`` naming it."""
    try:
        return build(json.loads(Path(path).read_text()))
    except FileNotFoundError:
        raise ParameterError(param, missing) from None
    except json.JSONDecodeError as err:
        raise ParameterError(param, f"{path} is not valid JSON ({err.msg})") from None
    except (OSError, UnicodeDecodeError, TypeError, ValueError, KeyError, AttributeError) as err:
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        reason = reason if len(reason) <= 160 else reason[:157] + "..."
        raise ParameterError(param, f"{path} is not a readable {Path(path).name} ({reason})") from None
