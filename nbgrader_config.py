# Entry point for nbgrader and its JupyterLab extensions, which read nbgrader_config.py
# from the directory they start in. The configuration itself is autograder/nbgrader_config.py.
c = get_config()  # noqa: F821
load_subconfig("autograder/nbgrader_config.py")  # noqa: F821
