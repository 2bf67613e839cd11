"""Command line: ``python -m autograder {release,grade,worker,watch,demo,feedback,export,roster,clean}``."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from autograder import needs

COMMANDS = ("release", "grade", "worker", "watch", "demo", "feedback", "export", "roster", "clean")

DB_HELP = ("gradebook URL, e.g. postgresql+psycopg2://user@host/db (default: $AUTOGRADER_DB_URL, else "
           "c.CourseDirectory.db_url of the nbgrader configuration, else gradebook.db; a password belongs in "
           "$AUTOGRADER_DB_URL or nbgrader_config.local.py, not on the command line, which other users can read)")


def main(argv: list[str] | None = None) -> int:
    """Run the command ``argv`` (default: this process's arguments); its exit status. A module that
    is not installed is one line on stderr naming the make target that installs it, and status 2."""
    try:
        return _main(argv)
    except ModuleNotFoundError as error:
        words = sys.argv[1:] if argv is None else argv
        command = next((word for word in words if word in COMMANDS), "")
        print(needs.message(command, [(error.name or str(error)).partition(".")[0]]), file=sys.stderr)
        return 2


def _main(argv: list[str] | None) -> int:
    # the course's modules import nbgrader, NumPy and nh3: a missing one is reported by main()
    from autograder import (alembic_head, course, demo, feedback, gradebooks, lms, notebooks, release, runner,
                            watchstate)
    from autograder.grade import grade
    from autograder.sandbox import SandboxUnavailable

    alembic_head.install()   # new gradebooks without nbgrader's 6 s alembic subprocess
    gradebooks.install()     # a gradebook opened again reuses its engine (see autograder.gradebooks)
    # --course is accepted before or after the command: `grade --course DIR` as the spec writes it
    course_option = argparse.ArgumentParser(add_help=False)
    course_option.add_argument("--course", type=Path, default=argparse.SUPPRESS,
                               help="the course folder (default: the current directory)")
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__, parents=[course_option])
    commands = parser.add_subparsers(dest="command", required=True)
    rel = commands.add_parser("release", parents=[course_option], help="regenerate notebooks/ from solutions/")
    rel.add_argument("--output", type=Path, help="write the release here instead of notebooks/")
    grade_cmd = commands.add_parser("grade", parents=[course_option],
                                    help="autograde every submission, write reports/grades.csv")
    grade_cmd.add_argument("-j", "--jobs", type=int, default=None,
                           help="parallel workers (default: the number of CPU cores)")
    grade_cmd.add_argument("--assignment", action="append", metavar="A", default=None,
                           help="grade only this assignment (repeatable; default: all)")
    grade_cmd.add_argument("--student", action="append", metavar="S", default=None,
                           help="grade only this student (repeatable; default: everyone in submitted/)")
    grade_cmd.add_argument("--db", metavar="URL", default=None, help=DB_HELP)
    grade_cmd.add_argument("--no-sandbox", action="store_true",
                           help="run students' code without bubblewrap (only on a machine with nothing to protect)")
    grade_cmd.add_argument("--timeout", type=int, default=None, help="seconds per cell (default: the nbgrader config)")
    grade_cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    grade_cmd.add_argument("--broker", metavar="URL", default=os.environ.get("AUTOGRADER_BROKER") or None,
                           help="send the jobs to grading workers through this Redis broker, e.g. "
                                "redis://host:6379/0 (default: $AUTOGRADER_BROKER, which keeps a password out of "
                                "the process list; without either, grade on this machine)")
    grade_cmd.add_argument("--local", action="store_true",
                           help="grade on this machine even when $AUTOGRADER_BROKER is set")
    worker_cmd = commands.add_parser("worker", parents=[course_option],
                                     help="grade jobs sent by `grade --broker` (a Celery worker; see docs/workers.md)")
    worker_cmd.add_argument("--broker", metavar="URL", default=os.environ.get("AUTOGRADER_BROKER"),
                            help="the Redis broker, e.g. redis://host:6379/0 (default: $AUTOGRADER_BROKER, which "
                                 "keeps a password out of the process list)")
    worker_cmd.add_argument("--concurrency", type=int, default=None, help="jobs at a time (default: the CPU cores)")
    worker_cmd.add_argument("--no-sandbox", action="store_true", help="run students' code without bubblewrap")
    watch_cmd = commands.add_parser("watch", parents=[course_option],
                                    help="grade each hand-in as it arrives in the exchange and release its feedback "
                                         "(see docs/watch.md)")
    watch_cmd.add_argument("--broker", metavar="URL", default=os.environ.get("AUTOGRADER_BROKER") or None,
                           help="grade on the workers of this Redis broker (default: $AUTOGRADER_BROKER; without "
                                "either, on this machine)")
    watch_cmd.add_argument("--once", action="store_true", help="handle what is pending, then exit")
    watch_cmd.add_argument("--settle", type=float, default=5.0, metavar="SECONDS",
                           help="take a complete hand-in once it has not changed for this long (default: 5)")
    watch_cmd.add_argument("--cooldown", type=float, default=0.0, metavar="SECONDS",
                           help="take a student's new hand-in of an assignment no sooner than this long after their "
                                "previous one (default: 0, no cooldown)")
    watch_cmd.add_argument("--hidden-results", choices=("on-arrival", "at-due-date"), default="on-arrival",
                           help="when students see the hidden tests' scores and outputs: with the rest of their "
                                "feedback (default), or only from their own due date on, extensions included")
    watch_cmd.add_argument("--roster-only", action="store_true",
                           help="set aside (and report) the hand-ins of students the gradebook does not have, "
                                "instead of grading them and adding them to it")
    watch_cmd.add_argument("--per-pass", type=int, default=None, metavar="N",
                           help="grade, make and release the feedback of at most N hand-ins (the oldest) before "
                                "looking at the inbound again (default: 4 per CPU core, at least 8)")
    watch_cmd.add_argument("--db", metavar="URL", default=None, help=DB_HELP)
    demo_cmd = commands.add_parser("demo", parents=[course_option],
                                   help="grade the demo class (autograder/demo/) from a clean state in artifacts/demo-course/")
    demo_cmd.add_argument("--rebuild", action="store_true",
                          help="write the demo submissions again from the current notebooks, then stop")
    demo_cmd.add_argument("-j", "--jobs", type=int, default=None, help="parallel workers")
    demo_cmd.add_argument("--db", metavar="URL", default=None,
                          help="gradebook URL for the demo class (default: its own gradebook.db, emptied first)")
    feedback_cmd = commands.add_parser("feedback", parents=[course_option],
                                       help="per-student HTML feedback in feedback/ (hidden tests' source removed)")
    feedback_cmd.add_argument("--db", metavar="URL", default=None,
                              help=DB_HELP)
    feedback_cmd.add_argument("-j", "--jobs", type=int, default=None,
                              help="assignments at a time (default: the number of CPU cores)")
    export = commands.add_parser("export", parents=[course_option],
                                 help="the gradebook (autograded and manual scores) as reports/gradebook.csv")
    export.add_argument("--db", metavar="URL", default=None, help=DB_HELP)
    export.add_argument("--lms", choices=lms.SYSTEMS, default=None,
                        help="write reports/<lms>-grades.csv for that system's grade import instead")
    export.add_argument("--roster", type=Path, metavar="FILE",
                        help="CSV with the columns student_id, lms_id, name (needed with --lms)")
    export.add_argument("--missing-as-zero", action="store_true",
                        help="0 for a student with no submission (default: an empty cell)")
    export.add_argument("--allow-ungraded", action="store_true",
                        help="with --lms: write the file even though written answers are not graded yet (they "
                             "count 0; a column says how many points each student still has to be graded on)")
    extension_cmd = commands.add_parser("extension", parents=[course_option],
                                        help="give a student more time for an assignment (before or after they hand in)")
    waive_cmd = commands.add_parser("waive", parents=[course_option],
                                    help="waive a student's late penalty on an assignment")
    for command in (extension_cmd, waive_cmd):
        command.add_argument("student", metavar="STUDENT")
        command.add_argument("assignment", metavar="ASSIGNMENT")
        command.add_argument("--undo", action="store_true", help="take it back")
        command.add_argument("--db", metavar="URL", default=None, help=DB_HELP)
    extension_cmd.add_argument("--days", type=float, default=None, help="days added to the due date")
    extension_cmd.add_argument("--hours", type=float, default=None, help="hours added to the due date")
    status_cmd = commands.add_parser("status", parents=[course_option],
                                     help="per assignment: who handed in, who is late, what is still to grade")
    status_cmd.add_argument("--db", metavar="URL", default=None, help=DB_HELP)
    roster_cmd = commands.add_parser("roster", parents=[course_option],
                                     help="import the class roster (names, e-mails, LMS ids) into the gradebook")
    roster_cmd.add_argument("file", type=Path, metavar="FILE",
                            help="CSV with the columns student_id, lms_id, name and optionally email; name is "
                                 "'First Last' (the last word is the last name) or 'Last, First'")
    roster_cmd.add_argument("--db", metavar="URL", default=None, help=DB_HELP)
    commands.add_parser("clean", parents=[course_option],
                        help="strip outputs and execution counts from stored notebooks")
    similar = commands.add_parser("similarity", parents=[course_option],
                                  help="how alike students' answers are: reports/similarity.csv and .html "
                                       "(see docs/similarity.md)")
    similar.add_argument("--assignment", action="append", metavar="A", default=None,
                         help="only this assignment (repeatable; scores still calibrated on the whole class)")
    similar.add_argument("--all-pairs", action="store_true", help="write every pair to the CSV, not only flagged ones")
    similar.add_argument("--cleared", type=Path, metavar="FILE", default=None,
                         help="pairs reviewed and cleared (default: similarity_cleared.csv in the course, if any)")
    args = parser.parse_args(argv)
    root = getattr(args, "course", Path.cwd()).resolve()
    if not (root / course.SOURCE).is_dir():
        parser.error(f"{root} is not a course folder: it has no {course.SOURCE}/ folder")

    remote = args.command == "worker" or (args.command == "grade" and args.broker and not args.local) or (
        args.command == "watch" and args.broker)
    late = needs.missing(needs.WORKERS) if remote else []
    if hasattr(args, "db"):   # the gradebook's driver, which nbgrader's own processes import too
        late += needs.missing(needs.for_gradebook(course.db_url(root, args.db)))
    if late:
        parser.exit(2, needs.message(args.command, late) + "\n")
    if args.command in ("release", "feedback", "export"):
        runner.fork_from_this_process()   # nothing of a student's runs, from one thread
    # one writer of the gradebook, reports/ and feedback/ at a time: not beside a running watch service
    held = contextlib.ExitStack()
    if args.command in ("grade", "feedback"):
        try:
            held.enter_context(watchstate.hold(root, args.command))
        except watchstate.Busy as busy:
            parser.exit(2, f"python -m autograder {args.command}: {busy}, which writes the same gradebook, "
                           "reports/ and feedback/. Wait for it to finish, or stop the watch service (it loses "
                           "nothing: `systemctl stop autograder-watch`), then try again\n")
    with held:
        if args.command == "release":
            for path in release.release(root, args.output):
                print(f"wrote {path}")
        elif args.command == "grade":
            options = (f"--SandboxedExecute.timeout={args.timeout}",) if args.timeout else ()
            try:
                if args.broker and not args.local:
                    from autograder import distributed
                    return distributed.main_grade(root, args.broker, db_url=args.db, options=options,
                                                  progress=not args.quiet, assignments=args.assignment,
                                                  student_ids=args.student)
                path = grade(root, jobs=args.jobs, db_url=args.db, isolate=not args.no_sandbox, options=options,
                             progress=not args.quiet, assignments=args.assignment, student_ids=args.student)
            except (SandboxUnavailable, ValueError) as error:
                parser.exit(2, f"python -m autograder grade: {error}\n")
            print((path.parent / "summary.txt").read_text(encoding="utf-8"))
            print(f"grades written to {path}")
        elif args.command == "worker":
            from autograder import distributed
            if not args.broker:
                parser.error("worker: give --broker URL or set AUTOGRADER_BROKER")
            try:
                return distributed.run_worker(root, args.broker, concurrency=args.concurrency, isolate=not args.no_sandbox)
            except SandboxUnavailable as error:
                parser.exit(2, f"python -m autograder worker: refusing to take jobs: {error}\n")
        elif args.command == "watch":
            from autograder import watch
            try:
                return watch.main(root, broker=args.broker, once=args.once, settle=args.settle, db_url=args.db,
                                  cooldown=args.cooldown, hidden_results=args.hidden_results,
                                  roster_only=args.roster_only, per_pass=args.per_pass)
            except (RuntimeError, ValueError) as error:
                parser.exit(2, f"python -m autograder watch: {error}\n")
        elif args.command == "demo":
            if args.rebuild:
                for path in demo.rebuild(root):
                    print(f"wrote {path}")
                return 0
            demo_root = demo.prepare_course(root, root / "artifacts" / "demo-course", db_url=args.db)
            path = grade(demo_root, jobs=args.jobs, db_url=args.db,
                         options=(f"--SandboxedExecute.timeout={demo.CELL_TIMEOUT}",))
            print((path.parent / "summary.txt").read_text(encoding="utf-8"))
            print(f"grades written to {path}")
        elif args.command == "feedback":
            written = feedback.generate(root, args.db, jobs=args.jobs)
            for path in written.pages:
                print(f"wrote {path}")
            for assignment in written.skipped:
                print(f"{assignment}: no graded submission yet, no feedback")
            for assignment, output in written.failed.items():
                print(f"nbgrader generate_feedback {assignment} failed:\n{output}", file=sys.stderr)
            return 1 if written.failed else 0
        elif args.command == "export" and args.lms:
            if args.roster is None:
                parser.error("export --lms needs --roster FILE")
            try:
                return lms.main(root, args.lms, args.roster, args.db, args.missing_as_zero, args.allow_ungraded)
            except ValueError as error:
                parser.exit(2, f"python -m autograder export: {error}\n")
        elif args.command == "export":
            print(f"wrote {feedback.export(root, args.db)}")
        elif args.command in ("extension", "waive"):
            try:
                return exceptions(root, args)
            except ValueError as error:
                parser.exit(2, f"python -m autograder {args.command}: {error}\n")
        elif args.command == "status":
            from autograder import status
            return status.main(root, args.db)
        elif args.command == "similarity":
            from autograder import similarity_report
            try:
                paths = similarity_report.main(root, args.assignment, args.all_pairs, args.cleared)
            except ValueError as error:
                parser.exit(2, f"python -m autograder similarity: {error}\n")
            for path in paths:
                print(f"wrote {path}")
        elif args.command == "roster":
            from autograder import roster
            try:
                return roster.main(course.db_url(root, args.db), args.file)
            except ValueError as error:
                parser.exit(2, f"python -m autograder roster: {error}\n")
        elif args.command == "clean":
            for folder in (course.SOURCE, course.RELEASE):
                for path in sorted((root / folder).rglob("*.ipynb")):
                    if ".ipynb_checkpoints" not in path.parts and notebooks.clean_file(path):
                        print(f"cleaned {path}")
        return 0


def exceptions(root: Path, args: argparse.Namespace) -> int:
    """``extension`` and ``waive``: change the course's list of exceptions, then recompute the
    penalties in the gradebook and rewrite the reports (no grading)."""
    from autograder import course, late
    from autograder.grade import write_reports

    if args.assignment not in course.assignments(root):
        raise ValueError(f"no assignment {args.assignment!r} (the assignments: {', '.join(course.assignments(root))})")
    if not args.student or "/" in args.student or args.student.startswith("."):
        raise ValueError(f"{args.student!r} is not a student id")
    kept = late.Exceptions.load(root)
    key = (args.student, args.assignment)
    if args.command == "extension" and args.undo:
        kept.extensions.pop(key, None)
        said = f"{args.student} {args.assignment}: no extension"
    elif args.command == "extension":
        kept.extensions[key] = late.parse_extension(args.days, args.hours)
        said = f"{args.student} {args.assignment}: extension of {late.duration(kept.extensions[key])}"
    elif args.undo:
        kept.waived.discard(key)
        said = f"{args.student} {args.assignment}: late penalty applies"
    else:
        kept.waived.add(key)
        said = f"{args.student} {args.assignment}: late penalty waived"
    kept.save(root)
    print(said)
    url = course.db_url(root, args.db)
    for line in late.apply(root, url):
        print(line)
    if (root / course.REPORTS / "grades.csv").is_file():
        write_reports(root, url)
        print("reports rewritten; run `make feedback` (or formgrader's Generate Feedback) to update the feedback")
    return 0


if __name__ == "__main__":
    sys.exit(main())
