// The libpq client API (PostgreSQL's C library), imported into Swift as CPostgres.
#include <libpq-fe.h>
