"""The one error type the command line turns into a message and exit code 2.

Raise `UserError` for anything the user can fix (a missing file, an unknown type name,
bytes that do not decode, malformed YAML or hex). `beacon.cli.main` prints its message as
a single line on stderr, never a traceback.
"""


class UserError(Exception):
    """A mistake in the command line or its input files; the message says what to fix."""

    exit_code = 2

    def __init__(self, message: str):
        # Keep it to one line whatever the wrapped library put in its message.
        super().__init__(" ".join(str(message).split()))
