"""The grading side of the course, a module per job:

* running a student's code: :mod:`~autograder.sandbox` (bubblewrap and limits),
  :mod:`~autograder.kernel`, :mod:`~autograder.execute`, :mod:`~autograder.cellplan` (which cells
  run), :mod:`~autograder.verdicts` and :mod:`~autograder.wire` (tests judged outside the kernel),
  :mod:`~autograder.runner` and :mod:`~autograder.preload` (processes forked from a warm server),
  :mod:`~autograder.validation` (the lab's Validate button: the same plan, a plain report);
* the course's files and gradebook: :mod:`~autograder.course`, :mod:`~autograder.notebooks`,
  :mod:`~autograder.release`, :mod:`~autograder.safefiles`, :mod:`~autograder.submissions`,
  :mod:`~autograder.gradebooks`, :mod:`~autograder.alembic_head`, :mod:`~autograder.schemas`,
  :mod:`~autograder.late` (penalties, extensions, waivers), :mod:`~autograder.roster`,
  :mod:`~autograder.exchange` (nbgrader's exchange, made safe), :mod:`~autograder.formgrader`
  (formgrader's buttons through the course's grader), :mod:`~autograder.needs`;
* the grading service: :mod:`~autograder.jobs` (one student's assignment),
  :mod:`~autograder.grade` (a class, and the reports), :mod:`~autograder.distributed` (workers),
  :mod:`~autograder.watch`, :mod:`~autograder.watchstate` and :mod:`~autograder.notice` (grading on
  arrival, and the page a hand-in that cannot be graded gets),
  :mod:`~autograder.demo`;
* what people read: :mod:`~autograder.feedback`, :mod:`~autograder.feedback_steps`,
  :mod:`~autograder.mathml`, :mod:`~autograder.sanitize`, :mod:`~autograder.lms`,
  :mod:`~autograder.status`, :mod:`~autograder.similarity` and :mod:`~autograder.similarity_report`.

Command line: ``python -m autograder --help`` (release, grade, worker, watch, demo, feedback,
export, extension, waive, status, roster, clean, similarity).
"""
