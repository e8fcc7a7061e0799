class CheckinError(Exception):
    """A check-in rule refused a request. `code` is machine-readable, `message` translated."""

    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
