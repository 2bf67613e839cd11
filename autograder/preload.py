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
import warnings  # noqa: E402

from autograder import alembic_head, gradebooks  # noqa: E402

# A job opens its gradebook nine times: the openings after the first reuse its engine, and each
# checks the tables with one query (see autograder.gradebooks); the warm-up's engine is not a job's.
gradebooks.install()


def _warm_up_gradebooks() -> None:
    from nbgrader.api import Gradebook

    alembic_head.install()
    with tempfile.TemporaryDirectory(prefix="autograder-preload-") as folder:
        with Gradebook(f"sqlite:///{folder}/gradebook.db") as book:
            # what a job's autograde does with its gradebook: records, cells, grades, comments
            book.update_or_create_assignment("a")
            book.add_notebook("n", "a")
            book.add_grade_cell("g", "n", "a", max_score=1, cell_type="code")
            book.add_solution_cell("c", "n", "a")
            book.add_source_cell("g", "n", "a", cell_type="code", source="", checksum="", locked=True)
            book.update_or_create_student("s")
            book.find_student("s")
            book.find_assignment("a")
            book.update_or_create_submission("a", "s")
            book.find_submission("a", "s")
            book.find_submission_notebook("n", "a", "s")
            book.find_notebook("n", "a")
            book.find_source_cell("g", "n", "a")
            book.find_graded_cell("g", "n", "a")
            book.find_grade("g", "n", "a", "s").auto_score = 1
            book.find_comment("c", "n", "a", "s").auto_comment = ""
            book.db.commit()


try:
    with warnings.catch_warnings():   # nbgrader's own SAWarnings about its sessions: not the user's business
        warnings.simplefilter("ignore")
        _warm_up_gradebooks()
except Exception:  # noqa: BLE001,S110 - a warm-up; the fork server must start whatever happens here
    pass
