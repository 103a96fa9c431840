// libpq on the event loops.
