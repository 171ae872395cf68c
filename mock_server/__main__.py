"""`python -m mock_server ...` is `ingram-mock ...`."""

import sys

from mock_server.cli import main

if __name__ == "__main__":
    sys.exit(main())
