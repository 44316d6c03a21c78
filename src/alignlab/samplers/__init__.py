"""Random draws that more than one system uses, on the CPU or a GPU.

* :mod:`alignlab.samplers.torch_draws`: PyTorch streams keyed like alignlab's NumPy streams (one per
  block, spawned from the seed), the device (CUDA when present), and draws from laws of the family
  table by exact transforms of standard variates.
* :mod:`alignlab.samplers.triton_pareto`: a fused Triton kernel (CUDA) for row sums of
  ``exp(rate * E)`` with ``E`` exponential, the Pareto sums of the steps model; importing it needs
  Triton.
"""
