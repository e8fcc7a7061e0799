class RegistrationError(Exception):
    """A registration rule refused a change. `code` is machine-readable, `message` translated.

    Codes: registration_not_open, registration_closed, conference_full, session_full,
    sessions_overlap, already_registered, invalid_input, invalid_session, invalid_meal,
    registration_cancelled, no_offer, offer_expired.
    """

    def __init__(self, code, message, field=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self):
        return str(self.message)
