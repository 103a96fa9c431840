// The one function of CLinux that needs _GNU_SOURCE; the rest is inline in CLinux.h.
#define _GNU_SOURCE
#include <sys/socket.h>
#include "CLinux.h"

int orgd_accept(int fd) { return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC); }
