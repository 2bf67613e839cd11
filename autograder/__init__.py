"""The grading side of the course.

* :mod:`autograder.course` finds the assignments, notebooks and graded cells of a course folder.
* :mod:`autograder.notebooks` stores notebooks cleanly (no outputs, stable cell ids).
* :mod:`autograder.release` regenerates the student notebooks from ``solutions/``.
* :mod:`autograder.grade` grades every submission and writes ``reports/grades.csv``.

Command line: ``python -m autograder {release,grade,clean} --help``.
"""
