"""Pure physics: training FLOPs, memory and GPU-hours; serving capacity and latency.

:mod:`.training` and :mod:`.serving` (with :mod:`.training_memory`, :mod:`.memory` and
:mod:`.roofline`) are pure functions in canonical units; :mod:`.estimates` is the layer
that turns model and GPU names into the objects they take, as the command line does.
"""
