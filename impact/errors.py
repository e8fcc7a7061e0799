class ImpactError(Exception):
    """An attendance or report rule refused a change. `code` is machine-readable, `message`
    translated.

    Codes: other_conference, cancelled, not_a_day, negative_count.
    """

    def __init__(self, code, message, field=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self):
        return str(self.message)
