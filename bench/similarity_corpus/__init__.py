"""The similarity benchmark's corpus: honest classes of six exercises and disguised copies
(``honest.py``, ``disguise.py``), generated deterministically."""
