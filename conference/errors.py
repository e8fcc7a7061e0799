class ProgrammeError(Exception):
    """A programme rule refused a change. `code` is machine-readable, `message` translated."""

    def __init__(self, code, message, field=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
