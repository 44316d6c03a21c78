"""A toy system that lives outside alignlab and plugs in through the one seam (alignlab.systems)."""
