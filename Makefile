# Every workflow of the course. `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
# the virtual environment is (re)built when a requirements file changes
STAMP  := $(VENV)/.installed
# `make lab LAB_ARGS="--no-browser --port 8890"` passes options to JupyterLab
LAB_ARGS ?=
# JupyterLab refuses to run as root unless told (containers, CI machines)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# `make test PYTEST_ARGS="-k translation"` passes options to pytest
PYTEST_ARGS ?=

export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: help lab test release clean-notebooks autograde demo-grade feedback export bench doctor fresh-check clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

lab: $(STAMP)  ## open the course in JupyterLab (creates the environment on first use)
	$(BIN)/jupyter lab notebooks/01_translation/01_translation.ipynb $(ROOT_FLAG) $(LAB_ARGS)

# one BLAS thread per process: the tests run two notebooks at a time on two cores
test: $(STAMP)  ## run the whole test suite
	OPENBLAS_NUM_THREADS=1 $(PY) -m pytest -n 2 $(PYTEST_ARGS)

release: $(STAMP)  ## regenerate the student notebooks (notebooks/) from solutions/
	$(PY) -m autograder release

clean-notebooks: $(STAMP)  ## strip outputs and execution counts from stored notebooks
	$(PY) -m autograder clean

autograde: $(STAMP)  ## grade every submission in submitted/, write reports/grades.csv
	$(PY) -m autograder grade

demo-grade: $(STAMP)  ## grade the demo class (autograder/demo/) from a clean state in artifacts/demo-course/
	$(PY) -m autograder demo

feedback: $(STAMP)  ## per-student HTML feedback in feedback/, without the hidden tests' source
	$(PY) -m autograder feedback

export: $(STAMP)  ## the gradebook (autograded and written answers) as reports/gradebook.csv
	$(PY) -m autograder export

bench: $(STAMP)  ## measure speed (loops vs vectorised vs libraries, course run time)
	@mkdir -p artifacts
	@for script in bench/bench_*.py; do echo "## $$script"; $(PY) $$script || exit 1; echo; done | tee artifacts/bench.md

doctor: $(STAMP)  ## check that this machine is ready for the course, in plain words
	$(PY) -m coursekit doctor

fresh-check:  ## clone the course and run the README's two set-up commands on it, as a new user would
	bash .ci/fresh-machine-check

clean:  ## remove grading state and caches (keeps the environment)
	rm -rf gradebook.db submitted autograded feedback reports artifacts .pytest_cache
