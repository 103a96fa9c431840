// What Glibc's Swift module does not expose: epoll, eventfd, timerfd, signalfd, accept4, the
// socket options orgd sets and mallopt. Thin inline wrappers only; all policy lives in Swift.
#ifndef ORGD_CLINUX_H
#define ORGD_CLINUX_H


#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>

static inline int orgd_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

/// Adds, changes or removes `fd` in the epoll set; `token` comes back with each event.
static inline int orgd_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &ev);
}

/// Waits for events; writes tokens and event masks into the two arrays. Returns the count or -1.
static inline int orgd_epoll_wait(int epfd, uint64_t *tokens, uint32_t *masks, int max, int timeout_ms) {
    struct epoll_event evs[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, evs, max, timeout_ms);
    for (int i = 0; i < n; i++) { tokens[i] = evs[i].data.u64; masks[i] = evs[i].events; }
    return n;
}

static inline int orgd_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC (defined in shim.c, which needs _GNU_SOURCE).
int orgd_accept(int fd);

static inline int orgd_socket(int family) {
    return socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

static inline int orgd_set_int_option(int fd, int level, int name, int value) {
    return setsockopt(fd, level, name, &value, sizeof(value));
}

/// Blocks SIGTERM, SIGINT, SIGHUP and SIGPIPE in the calling thread (threads started later
/// inherit it) and returns a signalfd that reports SIGTERM, SIGINT (shutdown) and SIGHUP
/// (reload the TLS certificate).
static inline int orgd_signalfd_for_shutdown(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    sigdelset(&set, SIGPIPE);
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static inline void orgd_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }

/// mallopt(M_MMAP_THRESHOLD, bytes): allocations of at least `bytes` are mapped and unmapped on
/// free, and glibc stops moving the threshold (and the trim threshold) by itself. 1 on success.
static inline int orgd_malloc_map_from(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }

static inline int orgd_errno(void) { return errno; }

static const uint32_t ORGD_EPOLLIN = EPOLLIN;
static const uint32_t ORGD_EPOLLOUT = EPOLLOUT;
static const uint32_t ORGD_EPOLLERR = EPOLLERR;
static const uint32_t ORGD_EPOLLHUP = EPOLLHUP;
static const uint32_t ORGD_EPOLLRDHUP = EPOLLRDHUP;
static const int ORGD_EPOLL_CTL_ADD = EPOLL_CTL_ADD;
static const int ORGD_EPOLL_CTL_MOD = EPOLL_CTL_MOD;
static const int ORGD_EPOLL_CTL_DEL = EPOLL_CTL_DEL;

#endif
