"""What every grading job needs, imported once by the fork server of :mod:`autograder.runner`.

Importing nbgrader (with jupyter_server, nbconvert, SQLAlchemy) takes about 2 s of CPU and the
libraries the test cells' context uses (NumPy, OpenCV, Matplotlib, seaborn, pandas) another 2 s:
more than grading a short notebook. Jobs forked from a process that has imported them start in
milliseconds. The environment variables are set first, because NumPy's BLAS and Matplotlib read
them when they are imported.
"""

import os

from autograder.course import NBGRADER_SETTINGS

os.environ.update(NBGRADER_SETTINGS)

import nbgrader.apps  # noqa: E402,F401

import cv2  # noqa: E402,F401
import ipywidgets  # noqa: E402,F401
import matplotlib.pyplot  # noqa: E402,F401
import numpy  # noqa: E402,F401
import pandas  # noqa: E402,F401
import seaborn  # noqa: E402,F401
import tqdm.auto  # noqa: E402,F401

import autograder.execute  # noqa: E402,F401
import autograder.verdicts  # noqa: E402,F401
import coursekit  # noqa: E402,F401

# nbformat compiles its JSON schema (about 0.07 s each) the first time a process validates a
# notebook, strictly and relaxed: once here instead of in every job.
from nbformat.validator import get_validator  # noqa: E402

for _relaxed in (False, True):
    get_validator(4, 5, relax_add_props=_relaxed)

# nbgrader's CheckCellMetadata (run twice per notebook) validates each cell's metadata with
# ``jsonschema.validate``, which first checks the schema itself against JSON Schema's metaschema,
# at every cell: 90 % of the step's time (0.07 to 0.14 s per job). The same validation, the
# schema checked once.
import nbgrader.nbgraderformat.common  # noqa: E402

from autograder.schemas import OnceCheckedSchemas  # noqa: E402

nbgrader.nbgraderformat.common.jsonschema = OnceCheckedSchemas()

# SQLAlchemy configures nbgrader's ORM mappers and builds its statement caches the first time a
# process uses a gradebook (about 0.1 s): once here, on a throwaway gradebook, instead of in
# every job. Only a warm-up: if it fails (no writable temporary folder...), the jobs do it.
import tempfile  # noqa: E402

from autograder import alembic_head  # noqa: E402


def _warm_up_gradebooks() -> None:
    from nbgrader.api import Gradebook

    alembic_head.install()
    with tempfile.TemporaryDirectory(prefix="autograder-preload-") as folder:
        with Gradebook(f"sqlite:///{folder}/gradebook.db") as book:
            book.update_or_create_assignment("a")
            book.add_notebook("n", "a")
            book.update_or_create_student("s")
            book.update_or_create_submission("a", "s")
            book.find_submission_notebook("n", "a", "s")


try:
    _warm_up_gradebooks()
except Exception:  # noqa: BLE001,S110 - a warm-up; the fork server must start whatever happens here
    pass
