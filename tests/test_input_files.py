"""Every library reader of a user's file answers a path it cannot read (nothing there, a folder, a name the
system refuses to look up) with a ParameterError (a ValueError) that says which, never a bare OSError."""

import pytest

from alignlab import ParameterError
from alignlab.dists.samples import load_samples
from alignlab.horizons import load_fit, load_runs
from alignlab.horizons.trend.dates import read_csv
from alignlab.tripwire.checkpoint import load_checkpoint
from alignlab.tripwire.run import respond_from_trip

READERS = {
    "load_runs": (load_runs, ".jsonl"),
    "load_samples": (load_samples, ".npy"),
    "load_fit": (load_fit, ".json"),
    "read_csv": (lambda p: read_csv(p, "release dates"), ".csv"),
    "load_checkpoint": (load_checkpoint, ".pt"),
    "respond_from_trip": (lambda p: respond_from_trip(p, "filter"), ""),
}
LONG = "x" * 300            # longer than one name may be (255 bytes)


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_path_that_cannot_be_read_is_the_parameters_error(reader, tmp_path):
    read, suffix = READERS[reader]
    folder = tmp_path / f"folder{suffix}"
    folder.mkdir()
    cases = {"missing": (tmp_path / f"absent{suffix}", "no such file|does not exist|no trip.pt"),
             "long": (tmp_path / f"{LONG}{suffix}", "a name too long for this system"),
             "folder": (folder, "is a folder|no trip.pt")}
    for case, (path, message) in cases.items():
        with pytest.raises(ParameterError, match=message) as err:
            read(str(path))
        assert "\n" not in str(err.value), (case, str(err.value))
