"""What every grading job needs, imported once by the fork server of :mod:`autograder.runner`.

Importing nbgrader (with jupyter_server, nbconvert, SQLAlchemy) takes about 2 s of CPU and the
libraries the test cells' context uses (NumPy, OpenCV, Matplotlib, seaborn, pandas) another 2 s:
more than grading a short notebook. Jobs forked from a process that has imported them start in
milliseconds. The environment variables are set first, because NumPy's BLAS and Matplotlib read
them when they are imported.

A command that grades nothing (``feedback``, ``export``, ``release``) calls
:func:`autograder.runner.preload_nbgrader_only` first: its fork server imports nbgrader alone.
"""

import os

from autograder.course import NBGRADER_SETTINGS
from autograder.runner import NBGRADER_ONLY, PRELOAD_VARIABLE

os.environ.update(NBGRADER_SETTINGS)

import nbgrader.apps  # noqa: E402,F401

if os.environ.get(PRELOAD_VARIABLE) != NBGRADER_ONLY:
    import cv2  # noqa: F401
    import ipywidgets  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    import seaborn  # noqa: F401
    import tqdm.auto  # noqa: F401

    import autograder.execute  # noqa: F401
    import autograder.verdicts  # noqa: F401
    import coursekit  # noqa: F401

# nbformat compiles its JSON schema (about 0.07 s each) the first time a process validates a
# notebook, strictly and relaxed: once here instead of in every job.
from nbformat.validator import get_validator  # noqa: E402

for _relaxed in (False, True):
    get_validator(4, 5, relax_add_props=_relaxed)
