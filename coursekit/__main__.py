"""``python -m coursekit doctor``: check that this machine is ready for the course."""

import sys

from coursekit.doctor import main

if __name__ == "__main__":
    if sys.argv[1:] not in ([], ["doctor"]):
        sys.exit("usage: python -m coursekit doctor")
    sys.exit(main())
