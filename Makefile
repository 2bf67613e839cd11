# Every workflow of the course. `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
# the virtual environment is (re)built when a requirements file changes, in three layers:
# the student stack (`make lab`), + grading (instructors), + test tools (maintainers)
STAMP        := $(VENV)/.installed
GRADER_STAMP := $(VENV)/.installed-grader
DEV_STAMP    := $(VENV)/.installed-dev
# `make lab LAB_ARGS="--no-browser --port 8890"` passes options to JupyterLab
LAB_ARGS ?=
# JupyterLab starts at the course root (so that every notebook and nbgrader's course folders
# are in reach) with the first notebook open. .lab/student and .lab/instructor hold the
# settings of each kind of lab (which nbgrader panels, no news prompt): they are added to
# Jupyter's configuration path for that lab only, the user's own configuration is untouched.
LAB_COMMAND = JUPYTER_CONFIG_PATH="$(CURDIR)/.lab/$(1)$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))" \
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
	--LabApp.default_url=/lab/tree/notebooks/01_translation/01_translation.ipynb $(ROOT_FLAG) $(LAB_ARGS)
# JupyterLab refuses to run as root unless told (containers, CI machines)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# `make test PYTEST_ARGS="-k translation"` passes options to pytest
PYTEST_ARGS ?=

export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: help student-env grader-env dev-env lab lab-instructor test test-every-fixture release clean-notebooks autograde status watch demo-grade feedback export similarity bench doctor fresh-check clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

$(STAMP): requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(GRADER_STAMP): $(STAMP) requirements-grader.txt
	$(PY) -m pip install --quiet -r requirements-grader.txt -c constraints.txt
	touch $@

$(DEV_STAMP): $(GRADER_STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

student-env: $(STAMP)  ## install the student layer in .venv/ (requirements.txt), what `make lab` needs
grader-env: $(GRADER_STAMP)  ## + the grading layer (requirements-grader.txt): every `python -m autograder` command, grading workers included
dev-env: $(DEV_STAMP)  ## + the test tools (requirements-dev.txt): `make test`, `make bench`

lab: $(STAMP)  ## open the course in JupyterLab, as a student (creates the environment on first use)
	$(call LAB_COMMAND,student)

lab-instructor: $(GRADER_STAMP)  ## JupyterLab with nbgrader's instructor panels (formgrader, create assignment)
	$(call LAB_COMMAND,instructor)

# one BLAS thread per process: the tests run two notebooks at a time on two cores
test: $(DEV_STAMP)  ## run the whole test suite
	OPENBLAS_NUM_THREADS=1 $(PY) -m pytest -n 2 $(PYTEST_ARGS)

test-every-fixture: $(DEV_STAMP)  ## grade every fixture of tests/submissions/ through the real grader (slow)
	AUTOGRADER_GRADE_EVERY_FIXTURE=1 OPENBLAS_NUM_THREADS=1 $(PY) -m pytest -n 2 tests/test_grading.py $(PYTEST_ARGS)

release: $(GRADER_STAMP)  ## regenerate the student notebooks (notebooks/) from solutions/
	$(PY) -m autograder release

clean-notebooks: $(GRADER_STAMP)  ## strip outputs and execution counts from stored notebooks
	$(PY) -m autograder clean

autograde: $(GRADER_STAMP)  ## grade every submission in submitted/, write reports/grades.csv
	$(PY) -m autograder grade

status: $(GRADER_STAMP)  ## per assignment: who handed in, who is late, what is still to grade, whether reports/ is current
	$(PY) -m autograder status

watch: $(GRADER_STAMP)  ## grade each hand-in as it arrives in the exchange and release its feedback (docs/watch.md)
	$(PY) -m autograder watch

demo-grade: $(GRADER_STAMP)  ## grade the demo class (autograder/demo/) from a clean state in artifacts/demo-course/
	$(PY) -m autograder demo

feedback: $(GRADER_STAMP)  ## per-student HTML feedback in feedback/, without the hidden tests' source
	$(PY) -m autograder feedback

export: $(GRADER_STAMP)  ## the gradebook (autograded and written answers) as reports/gradebook.csv
	$(PY) -m autograder export

similarity: $(GRADER_STAMP)  ## how alike students' answers are, per exercise: reports/similarity.csv and .html
	$(PY) -m autograder similarity

bench: $(DEV_STAMP)  ## measure speed (loops vs vectorised vs libraries, course run time)
	@mkdir -p artifacts
	@for script in bench/bench_*.py; do echo "## $$script"; $(PY) $$script || exit 1; echo; done | tee artifacts/bench.md

doctor: $(STAMP)  ## check that this machine is ready for the course, in plain words
	$(PY) -m coursekit doctor

fresh-check:  ## clone the course and run the README's two set-up commands on it, as a new user would
	bash .ci/fresh-machine-check

clean:  ## remove grading state and caches (keeps the environment)
	rm -rf gradebook.db submitted autograded feedback reports artifacts .pytest_cache
