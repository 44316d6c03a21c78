"""The machine a benchmark ran on, printed beside its ratios (speed ratios depend on the CPU's vector units)."""

from __future__ import annotations

import os


def cpu() -> str:
    """CPU model, cores this process may use, and its AVX2 / AVX-512 flags (from /proc/cpuinfo)."""
    model, flags = "unknown CPU", set()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    break
    except OSError:
        pass
    shown = [f for f in ("avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl") if f in flags]
    return f"{model}; {len(os.sched_getaffinity(0))} cores; flags: {' '.join(shown) or 'none of avx2/avx512'}"
